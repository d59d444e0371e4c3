// SPDX-License-Identifier: GPL-2.0
// The platform hooks in user space: libc allocation with failure injection
// and a live count, pthread locks, condition-variable wait queues, and
// "user memory" that is this process's own (addresses below one page and
// at or above kUserTop fault, as unmapped and kernel addresses would).
#include "platform_host.h"

#include <fcntl.h>
#include <linux/kcmp.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <vector>
#include <thread>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <kvm_ext/core.h>
#include <kvm_ext/platform.h>

namespace {

std::atomic<long> g_live{0};
std::atomic<long> g_owner_puts{0};
std::atomic<long> g_attempts{0};
std::atomic<long> g_fail_after{-1};
std::atomic<uint64_t> g_pending{0};
thread_local uint64_t t_blocked = 0;
thread_local uint64_t t_saved_blocked = 0;
std::atomic<bool> g_poison{true};

bool should_fail() {
  g_attempts.fetch_add(1);
  long n = g_fail_after.load();
  if (n < 0) return false;
  if (n == 0) {
    g_fail_after.store(-1);
    return true;
  }
  g_fail_after.store(n - 1);
  return false;
}

struct HostWaitq {
  pthread_mutex_t lock;
  pthread_cond_t cond;
};

static_assert(sizeof(pthread_mutex_t) <= sizeof(kx_mutex));
static_assert(sizeof(pthread_mutex_t) <= sizeof(kx_spinlock));
static_assert(sizeof(HostWaitq) <= sizeof(kx_waitq));

pthread_mutex_t* as_mutex(kx_mutex* m) { return reinterpret_cast<pthread_mutex_t*>(m); }
pthread_mutex_t* as_mutex(kx_spinlock* s) { return reinterpret_cast<pthread_mutex_t*>(s); }
HostWaitq* as_waitq(kx_waitq* w) { return reinterpret_cast<HostWaitq*>(w); }

bool user_ok(unsigned long long uaddr, unsigned long len) {
  return uaddr >= 4096 && uaddr < host::kUserTop && len <= host::kUserTop - uaddr;
}

}  // namespace

namespace host {
long live_allocations() { return g_live.load(); }
void fail_allocation_after(long n) { g_fail_after.store(n); }
long allocations_attempted() { return g_attempts.load(); }
void poison_uninit(bool on) { g_poison.store(on); }
void reset_allocation_counters() {
  g_attempts.store(0);
  g_fail_after.store(-1);
}
long owner_puts() { return g_owner_puts.load(); }
void raise_signal(int signo) { g_pending.fetch_or(1ull << (signo - 1)); }
void clear_signal() { g_pending.store(0); }
uint64_t thread_blocked() { return t_blocked; }
void set_thread_blocked(uint64_t mask) { t_blocked = mask; }
}  // namespace host

namespace {
std::mutex g_device_fds_lock;
std::map<intptr_t, kx_device*> g_device_fds;
std::map<intptr_t, kx_tce_table*> g_tce_fds;  // under g_device_fds_lock
int g_tce_fd_error = 0;
std::set<intptr_t> g_group_fds;     // under g_device_fds_lock
std::vector<host::Unmap> g_unmaps;  // under g_device_fds_lock
struct DevicePages {
  uint64_t len;
  kx_device* dev;
  unsigned long pgoff;
};
std::map<uint64_t, DevicePages> g_device_pages;  // by user address, under g_device_fds_lock
}  // namespace

namespace host {
kx_tce_table* tce_table_of_fd(int fd) {
  std::lock_guard<std::mutex> guard(g_device_fds_lock);
  auto it = g_tce_fds.find(fd);
  return it == g_tce_fds.end() ? nullptr : it->second;
}

void close_tce_fd(int fd) {
  kx_tce_table* t = tce_table_of_fd(fd);
  {
    std::lock_guard<std::mutex> guard(g_device_fds_lock);
    g_tce_fds.erase(fd);
  }
  close(fd);
  if (t) kx_tce_table_release(t);
}

void fail_tce_fd(int err) { g_tce_fd_error = err; }

void bind_vfio_group_fd(int fd, bool group) {
  std::lock_guard<std::mutex> guard(g_device_fds_lock);
  if (group)
    g_group_fds.insert(fd);
  else
    g_group_fds.erase(fd);
}

void bind_device_pages(uint64_t uaddr, uint64_t len, kx_device* dev, unsigned long pgoff) {
  std::lock_guard<std::mutex> guard(g_device_fds_lock);
  if (dev)
    g_device_pages[uaddr] = {len, dev, pgoff};
  else
    g_device_pages.erase(uaddr);
}

std::vector<Unmap> take_unmaps() {
  std::lock_guard<std::mutex> guard(g_device_fds_lock);
  std::vector<Unmap> all;
  all.swap(g_unmaps);
  return all;
}

void bind_device_fd(int fd, kx_device* dev) {
  std::lock_guard<std::mutex> guard(g_device_fds_lock);
  if (dev)
    g_device_fds[fd] = dev;
  else
    g_device_fds.erase(fd);
}
}  // namespace host

extern "C" {

void* kx_alloc(unsigned long size) {
  if (should_fail()) return nullptr;
  void* p = calloc(1, size ? size : 1);
  if (p) g_live.fetch_add(1);
  return p;
}

void* kx_alloc_uninit(unsigned long size) {
  if (should_fail()) return nullptr;
  void* p = malloc(size ? size : 1);
  if (!p) return nullptr;
  if (g_poison.load()) memset(p, 0xa5, size);
  g_live.fetch_add(1);
  return p;
}

void kx_free(void* ptr) {
  if (!ptr) return;
  g_live.fetch_sub(1);
  free(ptr);
}

void* kx_page_alloc(void) {
  if (should_fail()) return nullptr;
  void* p = aligned_alloc(4096, 4096);
  if (!p) return nullptr;
  memset(p, 0, 4096);
  g_live.fetch_add(1);
  return p;
}

void kx_page_free(void* page) { kx_free(page); }

void kx_mutex_init(kx_mutex* m, kx_lock_class*) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_init(as_mutex(m), &attr);
  pthread_mutexattr_destroy(&attr);
}
void kx_mutex_destroy(kx_mutex* m) {
  if (pthread_mutex_destroy(as_mutex(m)) != 0) kx_panic("destroying a held mutex");
}
void kx_mutex_lock(kx_mutex* m) {
  if (pthread_mutex_lock(as_mutex(m)) != 0) kx_panic("recursive mutex_lock");
}
int kx_mutex_lock_killable(kx_mutex* m) {
  kx_mutex_lock(m);
  return 0;
}
int kx_mutex_trylock(kx_mutex* m) { return pthread_mutex_trylock(as_mutex(m)) == 0; }
void kx_mutex_unlock(kx_mutex* m) {
  if (pthread_mutex_unlock(as_mutex(m)) != 0) kx_panic("unlocking a mutex not held");
}
int kx_mutex_is_locked(kx_mutex* m) {
  if (pthread_mutex_trylock(as_mutex(m)) == 0) {
    pthread_mutex_unlock(as_mutex(m));
    return 0;
  }
  return 1;
}

void kx_spin_init(kx_spinlock* s, kx_lock_class*) { pthread_mutex_init(as_mutex(s), nullptr); }
void kx_spin_lock(kx_spinlock* s) { pthread_mutex_lock(as_mutex(s)); }
void kx_spin_unlock(kx_spinlock* s) { pthread_mutex_unlock(as_mutex(s)); }
unsigned long kx_spin_lock_irqsave(kx_spinlock* s) {
  pthread_mutex_lock(as_mutex(s));
  return 0;
}
void kx_spin_unlock_irqrestore(kx_spinlock* s, unsigned long) { pthread_mutex_unlock(as_mutex(s)); }

void kx_waitq_init(kx_waitq* wq) {
  pthread_mutex_init(&as_waitq(wq)->lock, nullptr);
  pthread_cond_init(&as_waitq(wq)->cond, nullptr);
}
void kx_waitq_destroy(kx_waitq* wq) {
  pthread_cond_destroy(&as_waitq(wq)->cond);
  pthread_mutex_destroy(&as_waitq(wq)->lock);
}
int kx_waitq_wait(kx_waitq* wq, int (*cond)(void*), void* ctx) {
  HostWaitq* w = as_waitq(wq);
  for (;;) {
    if (cond(ctx)) return 0;
    if (g_pending.load() & ~t_blocked) return -EINTR;
    pthread_mutex_lock(&w->lock);
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 1000000;
    if (ts.tv_nsec >= 1000000000) {
      ts.tv_sec++;
      ts.tv_nsec -= 1000000000;
    }
    pthread_cond_timedwait(&w->cond, &w->lock, &ts);
    pthread_mutex_unlock(&w->lock);
  }
}
void kx_sigmask_activate(unsigned long long mask) {
  constexpr uint64_t kUnblockable = 1ull << (9 - 1) | 1ull << (19 - 1);  // SIGKILL, SIGSTOP
  t_saved_blocked = t_blocked;
  t_blocked = mask & ~kUnblockable;
}
void kx_sigmask_deactivate() {
  t_blocked = t_saved_blocked;
  t_saved_blocked = 0;
}
void kx_waitq_wake_all(kx_waitq* wq) {
  pthread_mutex_lock(&as_waitq(wq)->lock);
  pthread_cond_broadcast(&as_waitq(wq)->cond);
  pthread_mutex_unlock(&as_waitq(wq)->lock);
}

int kx_copy_from_user(void* dst, unsigned long long uaddr, unsigned long len) {
  if (!user_ok(uaddr, len)) return -EFAULT;
  memcpy(dst, reinterpret_cast<const void*>(uaddr), len);
  return 0;
}
int kx_copy_to_user(unsigned long long uaddr, const void* src, unsigned long len) {
  if (!user_ok(uaddr, len)) return -EFAULT;
  memcpy(reinterpret_cast<void*>(uaddr), src, len);
  return 0;
}
int kx_user_page_map(unsigned long long uaddr, int, void** kaddr, void** handle) {
  if (uaddr % 4096 || !user_ok(uaddr, 4096)) return -EFAULT;
  *kaddr = reinterpret_cast<void*>(uaddr);
  *handle = nullptr;
  return 0;
}
void kx_user_page_unmap(void*, int) {}
int kx_user_range_ok(unsigned long long uaddr, unsigned long long len) {
  return uaddr < host::kUserTop && len <= host::kUserTop - uaddr;
}

unsigned int kx_num_online_cpus(void) {
  return static_cast<unsigned>(sysconf(_SC_NPROCESSORS_ONLN));
}

unsigned long long kx_now_ns(void) {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<unsigned long long>(ts.tv_sec) * 1000000000ull + ts.tv_nsec;
}

int kx_current_pid(void) { return static_cast<int>(gettid()); }

int kx_file_get(int fd, void** file) {
  if (fd < 0 || fcntl(fd, F_GETFD) < 0) return -EBADF;
  *file = reinterpret_cast<void*>(static_cast<intptr_t>(fd) + 1);
  return 0;
}
void kx_file_put(void*) {}
int kx_file_is_vfio_group(void* file) {
  std::lock_guard<std::mutex> guard(g_device_fds_lock);
  return g_group_fds.count(reinterpret_cast<intptr_t>(file) - 1) ? 1 : 0;
}

kx_tce_table* kx_file_tce_table(void* file) {
  std::lock_guard<std::mutex> guard(g_device_fds_lock);
  auto it = g_tce_fds.find(reinterpret_cast<intptr_t>(file) - 1);
  return it == g_tce_fds.end() ? nullptr : it->second;
}

// A TCE table's fd: an fd of /dev/null standing for it, which
// close_tce_fd() releases as the kernel's last fput() would.
int kx_tce_table_fd(kx_tce_table* table) {
  if (g_tce_fd_error) return g_tce_fd_error;
  const int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (fd < 0) return -errno;
  std::lock_guard<std::mutex> guard(g_device_fds_lock);
  g_tce_fds[fd] = table;
  return fd;
}

kx_device* kx_file_device(void* file) {
  std::lock_guard<std::mutex> guard(g_device_fds_lock);
  auto it = g_device_fds.find(reinterpret_cast<intptr_t>(file) - 1);
  return it == g_device_fds.end() ? nullptr : it->second;
}

// A device's pages unmapped: recorded for unmapped_pages(), as the
// kernel's unmap_mapping_range() would drop them from every process.
void kx_unmap_device_pages(void* mapping, unsigned long pgoff, unsigned long npages) {
  std::lock_guard<std::mutex> guard(g_device_fds_lock);
  g_unmaps.push_back({mapping, pgoff, npages});
}

// The device mapping bind_device_pages() said holds uaddr; the "file" is
// a token kx_file_put() ignores.
void* kx_user_device_page(unsigned long uaddr, kx_device** dev, unsigned long* pgoff) {
  std::lock_guard<std::mutex> guard(g_device_fds_lock);
  auto it = g_device_pages.upper_bound(uaddr);
  if (it == g_device_pages.begin()) return nullptr;
  --it;
  if (uaddr - it->first >= it->second.len) return nullptr;
  *dev = it->second.dev;
  *pgoff = it->second.pgoff + (uaddr - it->first) / 4096;
  return it->second.dev;
}

void kx_owner_put(void*) { g_owner_puts.fetch_add(1); }

// The host's uaccess is the process's own memory, from any thread.
int kx_owner_use_mm(void*) { return 0; }
void kx_owner_unuse_mm(void*) {}

int kx_in_compat_syscall(void) { return 0; }

// Work items: one worker thread, started on first use. A flush from the
// worker itself (an irqfd's shutdown waiting for its injection) runs the
// queued item there, as a kernel workqueue's second worker would.
namespace {

struct HostWork {
  void (*fn)(void*);
  void* arg;
  bool queued;
};
static_assert(sizeof(HostWork) <= sizeof(kx_work));

// Never destroyed: the detached worker waits on them past exit().
std::mutex& g_work_mu = *new std::mutex;
std::condition_variable& g_work_cv = *new std::condition_variable;
std::deque<HostWork*>& g_work_q = *new std::deque<HostWork*>;
// Items running now, by address only: an item may free itself (an irqfd's
// shutdown frees the irqfd that holds it), as the kernel's workqueue allows.
std::multiset<HostWork*>& g_work_running = *new std::multiset<HostWork*>;
std::thread::id g_worker_id;

HostWork* as_work(kx_work* w) { return reinterpret_cast<HostWork*>(w); }

void run_locked(std::unique_lock<std::mutex>& lock, HostWork* w) {
  w->queued = false;
  void (*fn)(void*) = w->fn;
  void* arg = w->arg;
  g_work_running.insert(w);
  lock.unlock();
  fn(arg);
  lock.lock();
  g_work_running.erase(g_work_running.find(w));
  g_work_cv.notify_all();
}

void worker() {
  std::unique_lock<std::mutex> lock(g_work_mu);
  for (;;) {
    g_work_cv.wait(lock, [] { return !g_work_q.empty(); });
    HostWork* w = g_work_q.front();
    g_work_q.pop_front();
    run_locked(lock, w);
  }
}

void start_worker() {
  static std::once_flag once;
  std::call_once(once, [] {
    std::thread t(worker);
    g_worker_id = t.get_id();
    t.detach();
  });
}

}  // namespace

void kx_work_init(kx_work* kw, void (*fn)(void*), void* arg, kx_lock_class*) {
  *as_work(kw) = HostWork{fn, arg, false};
}

void kx_work_queue(kx_work* kw) {
  start_worker();
  std::lock_guard<std::mutex> lock(g_work_mu);
  HostWork* w = as_work(kw);
  if (w->queued) return;
  w->queued = true;
  g_work_q.push_back(w);
  g_work_cv.notify_all();
}

void kx_work_flush(kx_work* kw) {
  std::unique_lock<std::mutex> lock(g_work_mu);
  HostWork* w = as_work(kw);
  if (w->queued && std::this_thread::get_id() == g_worker_id) {
    for (auto it = g_work_q.begin(); it != g_work_q.end(); ++it) {
      if (*it == w) {
        g_work_q.erase(it);
        break;
      }
    }
    run_locked(lock, w);
  }
  g_work_cv.wait(lock, [w] { return !w->queued && !g_work_running.count(w); });
}

void kx_work_flush_all(void) {
  std::unique_lock<std::mutex> lock(g_work_mu);
  g_work_cv.wait(lock, [] { return g_work_q.empty() && g_work_running.empty(); });
}

// Eventfds: this process's own. One HostEventfd per eventfd (kcmp tells
// two fds of one file apart from two eventfds), so that equal handles
// name the same eventfd as in the kernel. Watches are served by a poller
// thread holding g_poll_mu while it calls back, so that a release, which
// takes it, returns only once no callback runs. An eventfd's close is not
// seen here (closed() never runs): tests deassign instead.
namespace {

struct HostEventfd {
  int fd;  // our own dup
  int refs;
};

std::mutex& g_efd_mu = *new std::mutex;
std::map<int, HostEventfd*>& g_efds = *new std::map<int, HostEventfd*>;  // by our fd

bool same_file(int a, int b) {
  const pid_t pid = getpid();
  return syscall(SYS_kcmp, pid, pid, KCMP_FILE, a, b) == 0;
}

int host_eventfd_get(int fd, HostEventfd** out) {
  if (fd < 0 || fcntl(fd, F_GETFD) < 0) return -EBADF;
  char path[64], target[64] = {};
  snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
  if (readlink(path, target, sizeof(target) - 1) < 0 || strcmp(target, "anon_inode:[eventfd]") != 0)
    return -EINVAL;
  std::lock_guard<std::mutex> lock(g_efd_mu);
  for (auto& [ours, e] : g_efds) {
    if (same_file(ours, fd)) {
      e->refs++;
      *out = e;
      return 0;
    }
  }
  HostEventfd* e = new HostEventfd{fcntl(fd, F_DUPFD_CLOEXEC, 0), 1};
  g_efds[e->fd] = e;
  *out = e;
  return 0;
}

void host_eventfd_put(HostEventfd* e) {
  std::lock_guard<std::mutex> lock(g_efd_mu);
  if (--e->refs) return;
  g_efds.erase(e->fd);
  close(e->fd);
  delete e;
}

}  // namespace

}  // extern "C"

long host::eventfd_refs() {
  std::lock_guard<std::mutex> lock(g_efd_mu);
  long n = 0;
  for (auto& [fd, e] : g_efds) n += e->refs;
  return n;
}

extern "C" {

struct kx_eventfd_watch {
  HostEventfd* efd;
  void (*signalled)(void*);
  void* arg;
  bool armed;
};

namespace {

std::mutex& g_poll_mu = *new std::mutex;
int g_epoll = -1;
std::set<kx_eventfd_watch*>& g_watches = *new std::set<kx_eventfd_watch*>;  // armed

void poller() {
  for (;;) {
    epoll_event ev[16];
    const int n = epoll_wait(g_epoll, ev, 16, 20);
    std::lock_guard<std::mutex> lock(g_poll_mu);
    for (int i = 0; i < n; i++) {
      kx_eventfd_watch* w = static_cast<kx_eventfd_watch*>(ev[i].data.ptr);
      // Released between epoll_wait and the lock: gone.
      if (!g_watches.count(w)) continue;
      uint64_t count;
      if (read(w->efd->fd, &count, sizeof(count)) == sizeof(count)) w->signalled(w->arg);
    }
  }
}

}  // namespace

int kx_eventfd_get(int fd, void** eventfd) {
  HostEventfd* e;
  const int r = host_eventfd_get(fd, &e);
  if (r == 0) *eventfd = e;
  return r;
}

void kx_eventfd_put(void* eventfd) { host_eventfd_put(static_cast<HostEventfd*>(eventfd)); }

void kx_eventfd_signal(void* eventfd) {
  const uint64_t one = 1;
  (void)!write(static_cast<HostEventfd*>(eventfd)->fd, &one, sizeof(one));
}

int kx_eventfd_watch_prepare(int fd, void (*signalled)(void*), void (*)(void*), void* arg,
                             kx_eventfd_watch** out, void** eventfd) {
  kx_eventfd_watch* w = static_cast<kx_eventfd_watch*>(kx_alloc(sizeof(*w)));
  if (!w) return -ENOMEM;
  const int r = host_eventfd_get(fd, &w->efd);
  if (r) {
    kx_free(w);
    return r;
  }
  w->signalled = signalled;
  w->arg = arg;
  w->armed = false;
  *out = w;
  *eventfd = w->efd;
  return 0;
}

int kx_eventfd_watch_arm(kx_eventfd_watch* w) {
  static std::once_flag once;
  std::call_once(once, [] {
    g_epoll = epoll_create1(EPOLL_CLOEXEC);
    std::thread(poller).detach();
  });
  std::lock_guard<std::mutex> lock(g_poll_mu);
  epoll_event ev = {};
  ev.events = EPOLLIN;
  ev.data.ptr = w;
  w->armed = epoll_ctl(g_epoll, EPOLL_CTL_ADD, w->efd->fd, &ev) == 0;
  if (w->armed) g_watches.insert(w);
  // A write before the watch: the poller reports it as well; say no here
  // so that it is injected once.
  return 0;
}

void kx_eventfd_watch_release(kx_eventfd_watch* w) {
  {
    std::lock_guard<std::mutex> lock(g_poll_mu);
    if (w->armed) {
      epoll_ctl(g_epoll, EPOLL_CTL_DEL, w->efd->fd, nullptr);
      g_watches.erase(w);
    }
  }
  host_eventfd_put(w->efd);
  kx_free(w);
}

void kx_panic(const char* msg) {
  fprintf(stderr, "kx_panic: %s\n", msg);
  abort();
}

void kx_trace_guest_access(unsigned int, unsigned int, unsigned long long, unsigned int, int, int) {
}
void kx_trace_irq_line(unsigned int, unsigned int, int) {}
void kx_trace_signal_msi(unsigned int, unsigned int, int) {}

}  // extern "C"
