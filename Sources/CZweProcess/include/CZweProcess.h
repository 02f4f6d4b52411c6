/* GNU extensions the Swift Glibc module does not show (they need _GNU_SOURCE). */
#ifndef CZWE_PROCESS_H
#define CZWE_PROCESS_H
#include <spawn.h>

/* pipe2(fds, O_CLOEXEC): both ends close-on-exec from the start, so no child inherits them by accident. */
int zwe_pipe_cloexec(int fds[2]);
/* posix_spawn_file_actions_addchdir_np (glibc 2.29+): the child's working directory. */
int zwe_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);
#endif
