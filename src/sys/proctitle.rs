//! runsvdir's readproctitle emulation: overwrite one of our own argv strings in place, so `ps`
//! shows the latest bytes written to the log pipe. The argv area's bounds come from
//! `/proc/self/stat` (`arg_start`, `arg_end`); we only ever write inside the chosen argument,
//! never its terminating NUL, so the area keeps its layout.

/// One argv string of this process that may be rewritten.
pub struct ProcTitle {
    ptr: *mut u8,
    len: usize,
}

impl ProcTitle {
    /// Locates argument `index` (0 = argv[0]) of this process in memory. None when /proc is
    /// unavailable or the memory does not hold the expected text (then nothing is written).
    pub fn locate(index: usize) -> Option<ProcTitle> {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        let rest = stat.rsplit_once(')')?.1;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        // Field 3 (state) is fields[0]; arg_start is field 48, arg_end field 49.
        let arg_start: usize = fields.get(45)?.parse().ok()?;
        let arg_end: usize = fields.get(46)?.parse().ok()?;
        let cmdline = std::fs::read("/proc/self/cmdline").ok()?;
        let mut offset = 0;
        let mut args = cmdline.split(|b| *b == 0);
        for _ in 0..index {
            offset += args.next()?.len() + 1;
        }
        let arg = args.next()?;
        if arg_start == 0 || arg_start + offset + arg.len() >= arg_end {
            return None;
        }
        let ptr = (arg_start + offset) as *mut u8;
        // SAFETY: [arg_start, arg_end) is this process's argv string area (mapped, readable and
        // writable for the life of the process); we read `arg.len()` bytes inside it.
        let current = unsafe { std::slice::from_raw_parts(ptr, arg.len()) };
        (current == arg).then_some(ProcTitle {
            ptr,
            len: arg.len(),
        })
    }

    /// Appends `b` runit's way: the first five bytes stay, the rest shifts left by one and `b`
    /// becomes the last byte. NUL bytes are ignored.
    pub fn push(&mut self, b: u8) {
        if b == 0 || self.len <= 5 {
            return;
        }
        // SAFETY: `ptr..ptr+len` lies inside our argv area (checked in `locate`), and this is
        // the only live reference to it; the terminating NUL at `ptr+len` is never touched.
        let s = unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len) };
        s.copy_within(6.., 5);
        s[self.len - 1] = b;
    }
}
