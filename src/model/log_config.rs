//! svlogd's `config`, written into the log directory itself (svlogd reads it from the dir it
//! writes). Only the directives that are set, in the order `s n N t ! u p`, then the filters.

use crate::spec::Log;

/// The config text; empty when nothing is set.
pub fn log_config(log: &Log) -> String {
    let numbers = [
        ('s', log.size),
        ('n', log.num),
        ('N', log.min),
        ('t', log.timeout),
    ];
    let texts = [
        ('!', log.processor.as_deref()),
        ('u', log.udp.as_deref()),
        ('p', log.prefix.as_deref()),
    ];
    let mut out = String::new();
    for (key, value) in numbers {
        if let Some(v) = value {
            out.push_str(&format!("{key}{v}\n"));
        }
    }
    for (key, value) in texts {
        if let Some(v) = value {
            out.push_str(&format!("{key}{v}\n"));
        }
    }
    for f in &log.filters {
        out.push_str(f);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Timestamps;

    fn empty() -> Log {
        Log {
            dir: "/var/log/web".into(),
            user: None,
            timestamps: Timestamps::Tt,
            size: None,
            num: None,
            min: None,
            timeout: None,
            processor: None,
            udp: None,
            prefix: None,
            filters: vec![],
        }
    }

    #[test]
    fn nothing_set_is_empty() {
        assert_eq!(log_config(&empty()), "");
    }

    #[test]
    fn every_directive_in_svlogd_order_then_filters() {
        let log = Log {
            size: Some(1000000),
            num: Some(10),
            min: Some(0),
            timeout: Some(86400),
            processor: Some("gzip".into()),
            udp: Some("127.0.0.1:514".into()),
            prefix: Some("web: ".into()),
            filters: vec!["-*DEBUG*".into(), "e*error*".into()],
            ..empty()
        };
        assert_eq!(
            log_config(&log),
            "s1000000\nn10\nN0\nt86400\n!gzip\nu127.0.0.1:514\npweb: \n-*DEBUG*\ne*error*\n"
        );
    }

    #[test]
    fn only_set_directives_appear() {
        let log = Log {
            num: Some(5),
            prefix: Some("x".into()),
            ..empty()
        };
        assert_eq!(log_config(&log), "n5\npx\n");
    }
}
