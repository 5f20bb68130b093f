//! Phase timings: with `RUNITCTL_TIMINGS=1` in the environment, each stage of plan and apply
//! (load, model, observe, write, pickup, …) prints how long it took on standard error, as
//! `timing: observe 12.31 ms`. Benchmarks use it to say where an apply's time goes; without the
//! variable it costs one environment lookup per process.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("RUNITCTL_TIMINGS").is_some_and(|v| v == "1"))
}

/// Runs `f`, printing its wall time under `name` when timings are enabled.
pub fn phase<T>(name: &str, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let t = Instant::now();
    let r = f();
    eprintln!("timing: {name} {:.2} ms", t.elapsed().as_secs_f64() * 1e3);
    r
}
