/* Process primitives the Swift Glibc module does not show, or that must run in the child
   between fork and exec (where only async-signal-safe calls are allowed). */
#ifndef CZWE_PROCESS_H
#define CZWE_PROCESS_H
#include <spawn.h>
#include <stdint.h>
#include <sys/types.h>

/* pipe2(fds, O_CLOEXEC): both ends close-on-exec from the start, so no child inherits them by accident. */
int zwe_pipe_cloexec(int fds[2]);
/* posix_spawn_file_actions_addchdir_np (glibc 2.29+): the child's working directory. */
int zwe_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/* posix_spawn_file_actions_addclosefrom_np (glibc 2.34+): close every descriptor from `from` up. */
int zwe_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int from);

/* A started task: fork, then in the child: its own process group, SIGKILL when the forking
   thread's process dies (PR_SET_PDEATHSIG), default signal handling and an empty mask,
   stdin /dev/null, stdout and stderr to `output_fd`, working directory `directory`, optionally
   another group and user (as root), every other descriptor closed, execve. Returns 0 and the
   pid, or an errno (also when exec failed in the child). */
int zwe_spawn_supervised(const char *path, char *const argv[], char *const envp[],
                         const char *directory, int output_fd,
                         int change_ids, uid_t uid, gid_t gid, pid_t *pid_out);

/* pidfd_open(2): a descriptor that becomes readable when the process exits. */
int zwe_pidfd_open(pid_t pid);

/* signalfd for the given signals (which are also blocked in the calling thread). */
int zwe_signalfd(const int *signals, int count);
/* Reads one signal number from a signalfd, or -1. */
int zwe_signalfd_read(int fd);
/* Blocks these signals in the calling thread (and threads it creates later). */
int zwe_block_signals(const int *signals, int count);

/* Signal handlers that write the signal number as one byte to a pipe; returns the read end
   (non-blocking, close-on-exec), or -1. Works whichever thread the signal lands on. */
int zwe_signal_pipe(const int *signals, int count);

/* accept4(fd, NULL, NULL, SOCK_CLOEXEC). */
int zwe_accept_cloexec(int listen_fd);

/* The uid of the peer of a connected unix socket, or -1. */
long zwe_peer_uid(int fd);

/* epoll, reduced to what the launcher needs: readable (or hung up) descriptors. */
int zwe_epoll_create(void);
int zwe_epoll_add(int epoll_fd, int fd);
int zwe_epoll_remove(int epoll_fd, int fd);
/* Switches a registered descriptor between waiting to read (0) and waiting to write (1). */
int zwe_epoll_want_write(int epoll_fd, int fd, int writable);
/* Waits up to timeout_ms (-1: forever); fills `ready` with up to `capacity` descriptors. */
int zwe_epoll_wait(int epoll_fd, int *ready, int capacity, int timeout_ms);

/* eventfd, non-blocking, close-on-exec. */
int zwe_eventfd(void);
#endif
