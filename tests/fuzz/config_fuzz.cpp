// libFuzzer entry of config_fuzz: arbitrary bytes as a gateway config file.
// The loader either returns a config or throws config_error naming a line
// and key (what `gatehouse gateway` prints before it exits); any other
// exception, a crash or a hang is a bug. The machine is hermetic: every
// env: secret is set, every file: secret and TLS file reads as a short PEM-ish
// string, so the fuzzer reaches the checks behind them.
//   scripts/fuzz.sh 600 config_fuzz
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const gh::config::system_access machine{
      [](const std::string&) -> std::optional<std::string> { return std::string("s3cret-value"); },
      [](const std::string&, std::size_t, std::string*) -> std::optional<std::string> {
        return std::string("-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n");
      }};
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)gh::config::parse_config(text, "/etc/gatehouse/fuzz.yaml", machine);
  } catch (const gh::config::config_error& e) {
    if (e.file.empty()) {
      std::fprintf(stderr, "invariant broken: a config error names no file\n");
      std::abort();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "invariant broken: parse_config threw something else: %s\n", e.what());
    std::abort();
  }
  return 0;
}
