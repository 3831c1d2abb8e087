#ifndef RETORT_SYSTEM_H
#define RETORT_SYSTEM_H

/// Atomically exchanges two paths (renameat2 with RENAME_EXCHANGE, Linux 3.15+): both
/// exist before and after, each under the other's name. Returns 0, or -1 with errno set
/// (EINVAL or ENOSYS where the file system or kernel cannot exchange).
int retort_exchange_paths(const char *a, const char *b);

#endif
