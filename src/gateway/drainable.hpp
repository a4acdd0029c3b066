// A live session the gateway can ask to end when it shuts down: at once if
// nothing is in flight, else as soon as what is running has been answered.
#pragma once

namespace gh::gateway {

class drainable {
 public:
  virtual void drain() = 0;

 protected:
  ~drainable() = default;
};

}  // namespace gh::gateway
