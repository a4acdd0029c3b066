#include "connector_fuzz_targets.hpp"

#include <string>

#include "wire/connector/control.hpp"
#include "wire/connector/data.hpp"
#include "wire/connector/framing.hpp"
#include "wire/connector/preamble.hpp"

namespace gh::fuzz {
namespace {

namespace wc = wire::connector;

// Re-encodes a decoded message: it must give back the frame it came from.
template <class M, class Encode>
std::string_view same_again(const M& m, Encode encode, std::string_view frame, bool may_refuse = false) {
  std::string out;
  if (!encode(out, m)) return may_refuse ? "" : "a decoded message does not encode";
  return out == frame ? "" : "a decoded message encodes to other bytes";
}

std::string_view check_frame(char type, bytes_view body, std::string_view whole) {
  using namespace wc;
  std::string_view broken;
  auto first = [&](std::string_view b) {
    if (broken.empty()) broken = b;
  };
  if (auto m = decode_hello(body); m && type == msg::hello)
    first(same_again(*m, [](std::string& o, const hello& v) { return encode_hello(o, v); }, whole,
                     body.size() > hello_body_max));
  if (auto m = decode_refused(body); m && type == msg::refused)
    first(same_again(*m, [](std::string& o, const refused& v) { return encode_refused(o, v); }, whole));
  if (auto m = decode_open(body); m && type == msg::open)
    first(same_again(*m, [](std::string& o, const open_request& v) { return encode_open(o, v); }, whole));
  if (auto m = decode_cancel(body); m && type == msg::cancel)
    first(same_again(*m, [](std::string& o, const cancel_request& v) { return encode_cancel(o, v); }, whole));
  if (auto m = decode_data_hello(body); m && type == msg::data)
    first(same_again(*m, [](std::string& o, const data_hello& v) { return encode_data_hello(o, v); }, whole));
  if (auto m = decode_ready(body); m && type == msg::ready)
    first(same_again(*m, [](std::string& o, const ready& v) { return encode_ready(o, v); }, whole));
  if (auto m = decode_failed(body); m && type == msg::failed)
    first(same_again(*m, [](std::string& o, const failed& v) { return encode_failed(o, v); }, whole));
  if (bool(decode_welcome(body)) != bool(decode_heartbeat(body))) first("empty-body decoders disagree");
  if (bool(decode_welcome(body)) != body.empty()) first("an empty-body decoder judged a body wrongly");
  (void)valid_greeting(body);
  return broken;
}

}  // namespace

std::string_view connector_stream(bytes_view in) {
  if (!in.empty() && in[0] == 'G') {
    wc::preamble_step s = wc::decode_preamble(in);
    if (s.status == wc::step_status::need_more) return in.size() >= wc::preamble_size ? "preamble waits for nothing" : "";
    if (s.status == wc::step_status::error) return "";
    if (wc::encode_preamble(s.value) != as_chars(in.first(wc::preamble_size))) return "a preamble re-encodes differently";
    in = in.subspan(wc::preamble_size);
  }
  for (;;) {
    wc::frame f = wc::next_frame(in, wc::control_body_max);
    if (f.status == wc::step_status::error) return "";
    if (f.status == wc::step_status::need_more) return f.size == 0 ? "" : "need_more consumed bytes";
    if (f.size > in.size() || f.body.size() > wc::control_body_max) return "a frame past its input or limit";
    if (f.size != wc::frame_header_size + f.body.size()) return "a frame's size and body disagree";
    if (auto broken = check_frame(f.type, f.body, as_chars(in.first(f.size))); !broken.empty()) return broken;
    in = in.subspan(f.size);
  }
}

}  // namespace gh::fuzz
