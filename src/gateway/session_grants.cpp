#include "gateway/session_grants.hpp"

#include "gateway/services.hpp"
#include "policy/decide.hpp"

namespace gh::gateway {

void session_grants::load(session_context& ctx, sys_time now) {
  if (!ctx.svc.grants) return;
  version_ = ctx.svc.grants->version();
  active_grants g = ctx.svc.grants->active_for(ctx.who.name, now);
  next_expiry_ = g.next_expiry;
  ctx.grants = std::move(g.rules);
  loaded_ = true;
}

grant_effect session_grants::refresh(session_context& ctx, sys_time now) {
  if (!ctx.svc.grants) return grant_effect::none;
  const std::uint64_t v = ctx.svc.grants->version();
  if (loaded_ && v == version_ && (!next_expiry_ || now < *next_expiry_)) return grant_effect::none;
  active_grants g = ctx.svc.grants->active_for(ctx.who.name, now);
  loaded_ = true;
  version_ = v;
  next_expiry_ = g.next_expiry;
  if (g.rules == ctx.grants) return grant_effect::none;
  ctx.grants = std::move(g.rules);
  auto rules = ctx.svc.rules();
  if (!policy::may_connect(rules, ctx.who.name, ctx.who.groups, ctx.conn->name, ctx.grants))
    return grant_effect::access_ended;
  const bool ro = policy::read_only_session(rules, ctx.who.name, ctx.who.groups, ctx.conn->name, ctx.grants);
  if (ro == ctx.read_only) return grant_effect::none;
  ctx.read_only = ro;
  return ro ? grant_effect::read_only_on : grant_effect::read_only_off;
}

}  // namespace gh::gateway
