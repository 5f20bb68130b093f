//! The line every supervised apply ends with: services changed, restarted, unchanged, and the
//! seconds the whole apply took. "no changes" when nothing was written (SPEC §5).

use std::time::Duration;

/// `applied: C changed, R restarted, U unchanged in S.SSs` (counts are services), or
/// `no changes: 0 changed, 0 restarted, U unchanged in S.SSs`.
pub fn summary_line(changed: usize, restarted: usize, unchanged: usize, took: Duration) -> String {
    let head = if changed == 0 {
        "no changes"
    } else {
        "applied"
    };
    format!(
        "{head}: {changed} changed, {restarted} restarted, {unchanged} unchanged in {:.2}s",
        took.as_secs_f64()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wording() {
        let d = Duration::from_millis(1234);
        assert_eq!(
            summary_line(0, 0, 7, d),
            "no changes: 0 changed, 0 restarted, 7 unchanged in 1.23s"
        );
        assert_eq!(
            summary_line(2, 1, 5, d),
            "applied: 2 changed, 1 restarted, 5 unchanged in 1.23s"
        );
    }
}
