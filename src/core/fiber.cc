// Fibers on ucontext (glibc): makecontext, getcontext and setcontext switch
// stacks in user space, so a fiber's blocking-style code runs unchanged.
// Each switch also saves and sets the signal mask (system calls): a few per
// poll cycle, far below the cost of the HTTP request the switch waits for.
#include "s1c/core/fiber.h"

#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <cstdint>
#include <exception>
#include <new>
#include <optional>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define S1C_FIBER_ASAN 1
#endif

#include "s1c/core/spare_list.h"

namespace s1c::fiber {
namespace {

thread_local Fiber* current = nullptr;

size_t PageSize() {
  static const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  return page;
}

// AddressSanitizer keeps its own idea of the current stack: each switch is
// announced before (start) and confirmed after (finish), or it reports false
// stack overflows and use-after-scope on the first fiber switch.
struct StackSwitch {
  void* fake_stack = nullptr;
  void Start([[maybe_unused]] const void* bottom, [[maybe_unused]] size_t size,
             [[maybe_unused]] bool leaving_for_good = false) {
#ifdef S1C_FIBER_ASAN
    __sanitizer_start_switch_fiber(leaving_for_good ? nullptr : &fake_stack, bottom, size);
#endif
  }
  void Finish([[maybe_unused]] const void** from_bottom, [[maybe_unused]] size_t* from_size) {
#ifdef S1C_FIBER_ASAN
    __sanitizer_finish_switch_fiber(fake_stack, from_bottom, from_size);
#endif
  }
};

// swapcontext, built from getcontext and setcontext: AddressSanitizer
// intercepts glibc's swapcontext only to warn, on first use, that it "may
// produce false positives" (into the sanitizer report files, which fail the
// CI run), although every switch here is announced to it (StackSwitch).
[[gnu::noinline]] void SwitchContext(ucontext_t* from, const ucontext_t* to) {
  volatile bool resumed = false;
  ::getcontext(from);  // Returns a second time when someone switches back to `from`.
  if (resumed) return;
  resumed = true;
  ::setcontext(to);
}

}  // namespace

struct Fiber::Context {
  ucontext_t fiber{};
  ucontext_t caller{};
  char* mapping = nullptr;  // Guard page, then the stack.
  char* stack() const { return mapping + PageSize(); }
  // The thread stack that Resume was called on, for AddressSanitizer.
  const void* caller_bottom = nullptr;
  size_t caller_size = 0;
};

namespace {

// Stacks of ended fibers, kept for the next ones: mapping a stack, its
// guard page and the first pages it touches cost more than a poll's own work
// (a fleet starts about a hundred cycles a second). Their touched pages stay
// resident, a few tens of KB each, so only 64 are kept.
class StackPool {
 public:
  static StackPool& Get() {
    static StackPool* pool = new StackPool();  // Leaked: fibers may end during exit.
    return *pool;
  }

  // The start of the mapping: a guard page, then Fiber::kStackBytes.
  char* Take() {
    if (std::optional<char*> mapping = spare_.Take()) return *mapping;
    void* mapping = ::mmap(nullptr, MappingBytes(), PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (mapping == MAP_FAILED) throw std::bad_alloc();
    if (::mprotect(mapping, PageSize(), PROT_NONE) != 0) {
      ::munmap(mapping, MappingBytes());
      throw std::bad_alloc();
    }
    return static_cast<char*>(mapping);
  }

  void Give(char* mapping) {
#ifdef S1C_FIBER_ASAN
    // The ended fiber's last frames left their redzones poisoned.
    __asan_unpoison_memory_region(mapping + PageSize(), Fiber::kStackBytes);
#endif
    if (std::optional<char*> extra = spare_.Give(mapping)) ::munmap(*extra, MappingBytes());
  }

  static size_t MappingBytes() { return PageSize() + Fiber::kStackBytes; }

 private:
  SpareList<char*> spare_{64};
};

}  // namespace

Fiber::Fiber(Host& host, std::function<void()> fn)
    : host_(host), fn_(std::move(fn)), context_(std::make_unique<Context>()) {
  context_->mapping = StackPool::Get().Take();
}

Fiber::~Fiber() {
  if (context_->mapping != nullptr) StackPool::Get().Give(context_->mapping);
}

Fiber* Fiber::Current() { return current; }

void Fiber::Entry(unsigned int hi, unsigned int lo) {
  auto* self = reinterpret_cast<Fiber*>((uintptr_t{hi} << 32) | uintptr_t{lo});
  {
    StackSwitch arrived;
    arrived.Finish(&self->context_->caller_bottom, &self->context_->caller_size);
  }
  // A fiber's function must not throw (like a thread's): nothing above this
  // frame could catch it.
  [&]() noexcept { self->fn_(); }();
  self->fn_ = nullptr;
  self->finished_ = true;
  StackSwitch leaving;
  leaving.Start(self->context_->caller_bottom, self->context_->caller_size,
                /*leaving_for_good=*/true);
  ::setcontext(&self->context_->caller);
  std::terminate();  // setcontext returns only on failure.
}

void Fiber::Resume() {
  Fiber* const outer = current;
  current = this;
  Context& c = *context_;
  if (!started_) {
    started_ = true;
    ::getcontext(&c.fiber);
    c.fiber.uc_stack.ss_sp = c.stack();
    c.fiber.uc_stack.ss_size = kStackBytes;
    c.fiber.uc_link = nullptr;
    const auto address = reinterpret_cast<uintptr_t>(this);
    ::makecontext(&c.fiber, reinterpret_cast<void (*)()>(&Fiber::Entry), 2,
                  static_cast<unsigned int>(address >> 32),
                  static_cast<unsigned int>(address & 0xffffffffu));
  }
  StackSwitch in;
  in.Start(c.stack(), kStackBytes);
  SwitchContext(&c.caller, &c.fiber);
  in.Finish(nullptr, nullptr);
  current = outer;
}

void Fiber::Suspend() {
  Context& c = *context_;
  StackSwitch out;
  out.Start(c.caller_bottom, c.caller_size);
  SwitchContext(&c.fiber, &c.caller);
  out.Finish(&c.caller_bottom, &c.caller_size);
}

bool SleepUntil(std::chrono::steady_clock::time_point deadline, const StopToken& stop) {
  Fiber* self = Fiber::Current();
  Host& host = self->host();
  while (!stop.StopRequested()) {
    if (host.Now() >= deadline) return true;
    host.Park(*self, deadline);
  }
  return false;
}

void Event::Set() {
  // Everything under the lock, the Unpark included: once the waiter can see
  // set_, it may return and free this Event (and end its fiber).
  std::lock_guard<std::mutex> lock(mu_);
  set_ = true;
  cv_.notify_all();
  if (waiter_ != nullptr) waiter_->host().Unpark(*waiter_);
}

void Event::Wait() {
  std::unique_lock<std::mutex> lock(mu_);
  Fiber* self = Fiber::Current();
  if (self == nullptr) {
    cv_.wait(lock, [this] { return set_; });
    return;
  }
  while (!set_) {
    waiter_ = self;
    lock.unlock();
    self->host().Park(*self, std::chrono::steady_clock::time_point::max());
    lock.lock();
  }
  waiter_ = nullptr;
}

bool Event::is_set() const {
  std::lock_guard<std::mutex> lock(mu_);
  return set_;
}

}  // namespace s1c::fiber
