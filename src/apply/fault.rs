//! The one place every filesystem mutation of apply is counted. With the `fault-injection`
//! feature (test builds only) and `RUNITCTL_FAULT_AFTER=N` in the environment, the process
//! aborts right after its Nth mutation, so the crash test can stop apply at every step.

use std::sync::atomic::{AtomicU64, Ordering};

static OPS: AtomicU64 = AtomicU64::new(0);

/// Records one completed mutation (`what` names it for debugging).
pub fn op(what: &str) {
    let n = OPS.fetch_add(1, Ordering::SeqCst) + 1;
    #[cfg(feature = "fault-injection")]
    {
        if limit() == Some(n) {
            eprintln!("runitctl: fault injection: abort after operation {n} ({what})");
            std::process::abort();
        }
    }
    #[cfg(not(feature = "fault-injection"))]
    let _ = (n, what);
}

/// Mutations so far in this process.
pub fn count() -> u64 {
    OPS.load(Ordering::SeqCst)
}

#[cfg(feature = "fault-injection")]
fn limit() -> Option<u64> {
    static LIMIT: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
    *LIMIT.get_or_init(|| {
        std::env::var("RUNITCTL_FAULT_AFTER")
            .ok()
            .and_then(|v| v.parse().ok())
    })
}
