//! Logging: one line per request (vendor, operation, tenant, status, duration, rule), pretty or
//! JSON; `RUST_LOG` narrows or widens it. Lines go through [`crate::log_queue`], whose background
//! thread writes them in batches, so the request path never waits on stderr.
//!
//! The request line is the one log line every request pays for, so it is formatted here directly
//! (a per-thread buffer, a timestamp prefix cached per second) instead of through the `tracing`
//! formatter, which cost about 8 % of the CPU of a create. It still honours `RUST_LOG` for the
//! `engagement_sim::request` target, and a program that embeds the simulator without calling
//! [`init`] receives it as an ordinary `tracing` event.

use std::cell::RefCell;
use std::io::Write as _;
use std::sync::OnceLock;

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;
use crate::log_queue::{LogGuard, LogQueue};

/// The most bytes of a request's path a log line carries; the rest is cut and marked.
const LOGGED_PATH_BYTES: usize = 1_024;

/// Where request lines go once [`init`] ran.
struct RequestLog {
    writer: LogQueue,
    format: LogFormat,
    ansi: bool,
    /// Whether `RUST_LOG` lets request lines through; the filter is fixed once logging starts.
    enabled: bool,
}

static REQUEST_LOG: OnceLock<RequestLog> = OnceLock::new();

/// Starts logging, with at most `queue_bytes` of lines waiting for stderr; keep the guard until
/// exit so the last lines are written.
pub fn init(format: LogFormat, queue_bytes: usize) -> LogGuard {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let (writer, guard) = LogQueue::start(std::io::stderr(), queue_bytes);
    // Colours only for a person at a terminal: escape codes cost time and clutter files.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer.clone())
        .with_ansi(ansi);
    let _ = match format {
        LogFormat::Pretty => builder.compact().try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    let _ = REQUEST_LOG.set(RequestLog {
        writer,
        format,
        ansi,
        enabled: tracing::enabled!(target: "engagement_sim::request", tracing::Level::INFO),
    });
    guard
}

/// What one request's log line says.
pub struct RequestLine<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub vendor: &'a str,
    pub operation: &'a str,
    pub tenant: &'a str,
    pub status: u16,
    pub duration_ms: f64,
    pub rule: &'a str,
}

/// Logs one request, if `RUST_LOG` lets `engagement_sim::request` through at INFO.
pub fn log_request(line: &RequestLine) {
    let Some(log) = REQUEST_LOG.get() else {
        tracing::info!(
            target: "engagement_sim::request",
            vendor = line.vendor,
            operation = line.operation,
            tenant = line.tenant,
            status = line.status,
            duration_ms = line.duration_ms,
            rule = line.rule,
            "{} {}",
            line.method,
            line.path
        );
        return;
    };
    if !log.enabled {
        return;
    }
    thread_local! {
        static BUFFER: RefCell<(Vec<u8>, TimestampCache)> = RefCell::new((Vec::with_capacity(256), TimestampCache::default()));
    }
    BUFFER.with_borrow_mut(|(text, clock)| {
        text.clear();
        render(text, clock.now(), line, log.format, log.ansi);
        log.writer.push(text);
    });
}

/// One request's line in `format`, its path cut to [`LOGGED_PATH_BYTES`] so a line's size is
/// bounded whatever the client sent.
fn render(text: &mut Vec<u8>, now: &str, line: &RequestLine, format: LogFormat, ansi: bool) {
    let cut;
    let line = if line.path.len() > LOGGED_PATH_BYTES {
        let mut end = LOGGED_PATH_BYTES;
        while !line.path.is_char_boundary(end) {
            end -= 1;
        }
        cut = format!(
            "{}…[cut {} bytes]",
            &line.path[..end],
            line.path.len() - end
        );
        &RequestLine {
            path: &cut,
            ..*line
        }
    } else {
        line
    };
    match format {
        LogFormat::Pretty => pretty(text, now, line, ansi),
        LogFormat::Json => json(text, now, line),
    }
}

/// The same shape as the `tracing` compact format the other lines use, written piece by piece
/// (`format!` machinery showed in profiles).
fn pretty(text: &mut Vec<u8>, now: &str, line: &RequestLine, ansi: bool) {
    let level = if ansi {
        "\x1b[32m INFO\x1b[0m"
    } else {
        " INFO"
    };
    for piece in [
        now,
        " ",
        level,
        " engagement_sim::request: ",
        line.method,
        " ",
        line.path,
        " vendor=",
        line.vendor,
        " operation=",
        line.operation,
        " tenant=",
        line.tenant,
        " status=",
    ] {
        text.extend_from_slice(piece.as_bytes());
    }
    push_number(text, u64::from(line.status));
    text.extend_from_slice(b" duration_ms=");
    push_hundredths(text, line.duration_ms);
    text.extend_from_slice(b" rule=");
    let _ = serde_json::to_writer(&mut *text, line.rule);
    text.push(b'\n');
}

fn push_number(text: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    text.extend_from_slice(&digits[at..]);
}

/// A non-negative number of milliseconds with two decimals.
fn push_hundredths(text: &mut Vec<u8>, ms: f64) {
    let hundredths = (ms.max(0.0) * 100.0).round() as u64;
    push_number(text, hundredths / 100);
    text.push(b'.');
    text.push(b'0' + (hundredths / 10 % 10) as u8);
    text.push(b'0' + (hundredths % 10) as u8);
}

/// The same keys as the `tracing` JSON format with flattened events.
fn json(text: &mut Vec<u8>, now: &str, line: &RequestLine) {
    let field = |text: &mut Vec<u8>, key: &str, value: &str| {
        let _ = write!(text, ",\"{key}\":");
        let _ = serde_json::to_writer(&mut *text, value);
    };
    let _ = write!(text, r#"{{"timestamp":"{now}","level":"INFO","message":"#);
    let _ = serde_json::to_writer(
        &mut *text,
        &Displayed(format_args!("{} {}", line.method, line.path)),
    );
    field(text, "vendor", line.vendor);
    field(text, "operation", line.operation);
    field(text, "tenant", line.tenant);
    let _ = write!(
        text,
        r#","status":{},"duration_ms":{:.2}"#,
        line.status, line.duration_ms
    );
    field(text, "rule", line.rule);
    let _ = writeln!(text, r#","target":"engagement_sim::request"}}"#);
}

/// Serialises anything printable as a JSON string, escaped as it is written.
struct Displayed<T>(T);

impl<T: std::fmt::Display> serde::Serialize for Displayed<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// RFC 3339 UTC timestamps with microseconds; the part up to the second is formatted once per
/// second and thread.
#[derive(Default)]
struct TimestampCache {
    second: i64,
    text: String,
}

impl TimestampCache {
    fn now(&mut self) -> &str {
        let now = chrono::Utc::now();
        let second = now.timestamp();
        if second != self.second || self.text.is_empty() {
            self.second = second;
            self.text = now.format("%Y-%m-%dT%H:%M:%S").to_string();
        }
        self.text.truncate(19);
        let _ = std::fmt::Write::write_fmt(
            &mut self.text,
            format_args!(".{:06}Z", now.timestamp_subsec_micros()),
        );
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line() -> RequestLine<'static> {
        RequestLine {
            method: "POST",
            path: "/merge/api/crm/v1/engagements",
            vendor: "merge",
            operation: "engagements.create",
            tenant: "t_0123456789ab",
            status: 201,
            duration_ms: 0.126,
            rule: "slow \"one\"",
        }
    }

    #[test]
    fn json_lines_parse_and_carry_every_field() {
        let mut text = Vec::new();
        json(&mut text, "2026-11-23T10:00:00.000001Z", &line());
        assert_eq!(text.last(), Some(&b'\n'));
        let v: serde_json::Value = serde_json::from_slice(&text).unwrap();
        assert_eq!(v["message"], "POST /merge/api/crm/v1/engagements");
        assert_eq!(
            (&v["vendor"], &v["operation"], &v["tenant"], &v["status"]),
            (
                &serde_json::json!("merge"),
                &serde_json::json!("engagements.create"),
                &serde_json::json!("t_0123456789ab"),
                &serde_json::json!(201)
            )
        );
        assert_eq!(v["rule"], "slow \"one\"");
        assert_eq!(v["duration_ms"], 0.13);
        assert_eq!(v["target"], "engagement_sim::request");
    }

    #[test]
    fn a_huge_path_makes_a_bounded_line() {
        let path = format!("/merge/{}", "é".repeat(50_000));
        for format in [LogFormat::Pretty, LogFormat::Json] {
            let mut text = Vec::new();
            let long = RequestLine {
                path: &path,
                ..line()
            };
            render(
                &mut text,
                "2026-11-23T10:00:00.000001Z",
                &long,
                format,
                false,
            );
            assert!(text.len() < 1_500, "{}", text.len());
            assert!(String::from_utf8(text).unwrap().contains("[cut "));
        }
    }

    #[test]
    fn pretty_lines_name_every_field() {
        let mut text = Vec::new();
        pretty(&mut text, "2026-11-23T10:00:00.000001Z", &line(), false);
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "2026-11-23T10:00:00.000001Z  INFO engagement_sim::request: POST /merge/api/crm/v1/engagements vendor=merge operation=engagements.create tenant=t_0123456789ab status=201 duration_ms=0.13 rule=\"slow \\\"one\\\"\"\n"
        );
    }

    #[test]
    fn numbers_are_written_without_format_machinery() {
        let mut text = Vec::new();
        for (n, want) in [
            (0, "0"),
            (7, "7"),
            (201, "201"),
            (u64::MAX, "18446744073709551615"),
        ] {
            text.clear();
            push_number(&mut text, n);
            assert_eq!(text, want.as_bytes());
        }
        for (ms, want) in [
            (0.0, "0.00"),
            (0.004, "0.00"),
            (0.126, "0.13"),
            (12.5, "12.50"),
            (1234.999, "1235.00"),
        ] {
            text.clear();
            push_hundredths(&mut text, ms);
            assert_eq!(text, want.as_bytes(), "{ms}");
        }
    }

    #[test]
    fn timestamps_keep_the_cached_second_and_fresh_micros() {
        let mut clock = TimestampCache::default();
        let a = clock.now().to_owned();
        let b = clock.now().to_owned();
        for t in [&a, &b] {
            assert_eq!(t.len(), 27, "{t}");
            assert!(chrono::DateTime::parse_from_rfc3339(t).is_ok(), "{t}");
        }
    }
}
