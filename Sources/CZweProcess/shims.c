#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <pthread.h>
#include <unistd.h>
#include "CZweProcess.h"

int zwe_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int zwe_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int zwe_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}

int zwe_spawn_supervised(const char *path, char *const argv[], char *const envp[],
                         const char *directory, int output_fd,
                         int change_ids, uid_t uid, gid_t gid, pid_t *pid_out) {
    /* The child reports a failure before exec through this pipe; exec closes it (CLOEXEC). */
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return errno;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        int saved = errno;
        close(report[0]);
        close(report[1]);
        return saved;
    }
    if (pid == 0) {
        int failure = 0;
        sigset_t all;
        sigemptyset(&all);
        for (int sig = 1; sig < NSIG; sig++) {
            if (sig == SIGKILL || sig == SIGSTOP) continue;
            signal(sig, SIG_DFL);
        }
        sigprocmask(SIG_SETMASK, &all, NULL);
        if (setpgid(0, 0) != 0) { failure = errno; goto fail; }
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) { failure = errno; goto fail; }
        /* The launcher may have died between fork and prctl. */
        if (getppid() != parent) _exit(127);
        int null_fd = open("/dev/null", O_RDONLY);
        if (null_fd < 0) { failure = errno; goto fail; }
        if (dup2(null_fd, 0) < 0 || dup2(output_fd, 1) < 0 || dup2(output_fd, 2) < 0) { failure = errno; goto fail; }
        if (directory != NULL && chdir(directory) != 0) { failure = errno; goto fail; }
        if (change_ids) {
            if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0) { failure = errno; goto fail; }
        }
        /* Nothing of the launcher's reaches the component but the three standard streams. */
        /* Mark every descriptor from 3 up close-on-exec (the report pipe already is). */
        if (syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */) != 0) {
            long limit = sysconf(_SC_OPEN_MAX);
            if (limit < 0 || limit > 65536) limit = 65536;
            for (int fd = 3; fd < limit; fd++) {
                if (fd != report[1]) close(fd);
            }
        }
        execve(path, argv, envp);
        failure = errno;
    fail:
        (void)!write(report[1], &failure, sizeof failure);
        _exit(127);
    }
    close(report[1]);
    int child_failure = 0;
    ssize_t got;
    do { got = read(report[0], &child_failure, sizeof child_failure); } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof child_failure) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        return child_failure ? child_failure : ECHILD;
    }
    *pid_out = pid;
    return 0;
}

int zwe_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

int zwe_block_signals(const int *signals, int count) {
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < count; i++) sigaddset(&set, signals[i]);
    return pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int zwe_signalfd(const int *signals, int count) {
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < count; i++) sigaddset(&set, signals[i]);
    if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0) return -1;
    return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

int zwe_signalfd_read(int fd) {
    struct signalfd_siginfo info;
    ssize_t got = read(fd, &info, sizeof info);
    if (got != (ssize_t)sizeof info) return -1;
    return (int)info.ssi_signo;
}

static int signal_pipe_write = -1;

static void zwe_signal_to_pipe(int sig) {
    int saved = errno;
    unsigned char byte = (unsigned char)sig;
    if (signal_pipe_write >= 0) (void)!write(signal_pipe_write, &byte, 1);
    errno = saved;
}

int zwe_signal_pipe(const int *signals, int count) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
    signal_pipe_write = fds[1];
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = zwe_signal_to_pipe;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (int i = 0; i < count; i++) {
        if (sigaction(signals[i], &action, NULL) != 0) return -1;
    }
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < count; i++) sigaddset(&set, signals[i]);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    return fds[0];
}

long zwe_peer_uid(int fd) {
    struct ucred credentials;
    socklen_t length = sizeof credentials;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return -1;
    return (long)credentials.uid;
}

int zwe_eventfd(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

int zwe_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int zwe_epoll_add(int epoll_fd, int fd) {
    struct epoll_event event;
    memset(&event, 0, sizeof event);
    event.events = EPOLLIN | EPOLLHUP | EPOLLERR;
    event.data.fd = fd;
    return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event);
}

int zwe_epoll_remove(int epoll_fd, int fd) { return epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, NULL); }

int zwe_epoll_want_write(int epoll_fd, int fd, int writable) {
    struct epoll_event event;
    memset(&event, 0, sizeof event);
    event.events = (writable ? EPOLLOUT : EPOLLIN) | EPOLLHUP | EPOLLERR;
    event.data.fd = fd;
    return epoll_ctl(epoll_fd, EPOLL_CTL_MOD, fd, &event);
}

int zwe_epoll_wait(int epoll_fd, int *ready, int capacity, int timeout_ms) {
    struct epoll_event events[64];
    if (capacity > 64) capacity = 64;
    int count = epoll_wait(epoll_fd, events, capacity, timeout_ms);
    for (int i = 0; i < count; i++) ready[i] = events[i].data.fd;
    return count;
}

int zwe_accept_cloexec(int listen_fd) { return accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC); }
