//! djb-style error texts (`error_str`), which runit prints instead of strerror.

use nix::errno::Errno;

/// The text runit prints for an errno, e.g. ENOENT → "file does not exist".
pub fn errstr(e: Errno) -> String {
    let s = match e {
        Errno::EINTR => "interrupted system call",
        Errno::ENOMEM => "out of memory",
        Errno::ENOENT => "file does not exist",
        Errno::ETXTBSY => "text busy",
        Errno::EIO => "input/output error",
        Errno::EEXIST => "file already exists",
        Errno::ETIMEDOUT => "timed out",
        Errno::EINPROGRESS => "operation in progress",
        Errno::EAGAIN => "temporary failure",
        Errno::ENOSPC => "out of disk space",
        Errno::ECONNREFUSED => "connection refused",
        Errno::EPIPE => "broken pipe",
        Errno::EISDIR => "is a directory",
        Errno::EBADF => "file descriptor not open",
        Errno::EACCES => "access denied",
        Errno::EPERM => "permission denied",
        Errno::ENOTDIR => "not a directory",
        Errno::EROFS => "read-only file system",
        Errno::ELOOP => "symbolic link loop",
        Errno::ENXIO => "device not configured",
        Errno::ECHILD => "no child processes",
        Errno::ENOEXEC => "exec format error",
        Errno::ESRCH => "no such process",
        Errno::EINVAL => "invalid argument",
        Errno::ENAMETOOLONG => "file name too long",
        Errno::EFBIG => "file too big",
        Errno::EMFILE => "process cannot allocate file descriptor",
        Errno::ENFILE => "system cannot allocate file descriptor",
        Errno::EDQUOT => "disk quota exceeded",
        Errno::EXDEV => "cross-device link",
        Errno::EBUSY => "device busy",
        Errno::ENOTEMPTY => "directory not empty",
        other => return other.desc().to_lowercase(),
    };
    s.to_string()
}

/// [`errstr`] for an `io::Error` (its raw errno, or its own text).
pub fn io_errstr(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(n) => errstr(Errno::from_raw(n)),
        None => e.to_string(),
    }
}
