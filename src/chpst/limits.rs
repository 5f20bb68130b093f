//! Soft resource limits (`-m -d -o -p -f -c -r -t`, softlimit's letters): the soft limit is set
//! to the value, or to the hard limit when the value is above it or `=` was given. Hard limits
//! are never touched.

use super::plan::{Limit, Res};
use super::Fatal;
use nix::sys::resource::{getrlimit, setrlimit, Resource};

fn resource(r: Res) -> Resource {
    match r {
        Res::Data => Resource::RLIMIT_DATA,
        Res::Stack => Resource::RLIMIT_STACK,
        Res::Memlock => Resource::RLIMIT_MEMLOCK,
        Res::As => Resource::RLIMIT_AS,
        Res::Nofile => Resource::RLIMIT_NOFILE,
        Res::Nproc => Resource::RLIMIT_NPROC,
        Res::Fsize => Resource::RLIMIT_FSIZE,
        Res::Core => Resource::RLIMIT_CORE,
        Res::Rss => Resource::RLIMIT_RSS,
        Res::Cpu => Resource::RLIMIT_CPU,
    }
}

/// The soft limit to set given the request and the hard limit.
pub fn soft(l: Limit, hard: u64) -> u64 {
    match l {
        Limit::Value(v) if v <= hard => v,
        _ => hard,
    }
}

/// Applies every requested limit.
pub fn apply(limits: &[Option<Limit>; 10]) -> Result<(), Fatal> {
    let sys = |what: &str, e: nix::errno::Errno| {
        Fatal(format!(
            "unable to {what}: {}",
            crate::runit::errstr::errstr(e)
        ))
    };
    for r in Res::ALL {
        let Some(l) = limits[r as usize] else {
            continue;
        };
        let res = resource(r);
        let (_, hard) = getrlimit(res).map_err(|e| sys("getrlimit()", e))?;
        setrlimit(res, soft(l, hard), hard).map_err(|e| sys("setrlimit()", e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_to_hard() {
        assert_eq!(soft(Limit::Value(10), 100), 10);
        assert_eq!(soft(Limit::Value(1000), 100), 100);
        assert_eq!(soft(Limit::Hard, 100), 100);
    }
}
