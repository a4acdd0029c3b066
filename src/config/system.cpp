// The loader's only contact with the machine: environment variables and
// file reads (STYLE.md: I/O at the edge). Everything else in gh_config works
// on the system_access it is given.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "config/sections.hpp"

namespace gh::config {
namespace {

std::optional<std::string> read_bounded(const std::string& path, std::size_t limit,
                                        std::string* error) {
  auto fail = [&](std::string why) -> std::optional<std::string> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    ::close(fd);
    return fail("a directory");
  }
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return fail(std::strerror(e));
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > limit) {
      ::close(fd);
      return fail("a file larger than " + std::to_string(limit) + " bytes");
    }
  }
  ::close(fd);
  return out;
}

}  // namespace

system_access real_system() {
  system_access s;
  s.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
  s.read_file = read_bounded;
  return s;
}

namespace detail {

std::string read_config_file(const std::string& path, const system_access& system) {
  std::string why;
  auto text = system.read_file(path, 4 * 1024 * 1024, &why);
  if (!text) throw config_error(path, 0, "", "expected a readable config file (at most 4 MiB), got " + why);
  return *text;
}

std::string config_dir(const std::string& path) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(std::filesystem::path(path), ec);
  return (ec ? std::filesystem::path(path) : abs).parent_path().string();
}

}  // namespace detail

config load_config(const std::string& path) {
  auto system = real_system();
  return detail::parse_config_in(detail::read_config_file(path, system), path,
                                 detail::config_dir(path), system);
}

}  // namespace gh::config
