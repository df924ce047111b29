//! Every distinct SQL statement newsdesk runs, as sqlx reports it through
//! `tracing` (target `sqlx::query`): kept in memory, and appended to the
//! file named by `NEWSDESK_STATEMENT_LOG` (one JSON string a line) when it
//! is set. tests/query_plans.rs explains each one against a large database.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::fs::OpenOptions;
use std::io::Write;
use std::sync::{Mutex, Once};

use tracing::field::{Field, Visit};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};

/// sqlx reports every statement it runs under this target.
const TARGET: &str = "sqlx::query";
/// The environment variable naming the log file.
pub const LOG_VARIABLE: &str = "NEWSDESK_STATEMENT_LOG";

static SEEN: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// Starts recording, once per process, also into `file` when given; later
/// calls do nothing.
pub fn install(file: Option<std::ffi::OsString>) {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::registry().with(StatementLog { file });
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other tracing subscriber in the test binary");
    });
}

/// The statements recorded so far in this process.
#[allow(dead_code, reason = "tests/app records into the log file only")]
pub fn recorded() -> BTreeSet<String> {
    SEEN.lock().expect("statement log").clone()
}

/// Forgets what was recorded so far (not the log file).
#[allow(dead_code, reason = "tests/app records into the log file only")]
pub fn forget() {
    SEEN.lock().expect("statement log").clear();
}

struct StatementLog {
    file: Option<std::ffi::OsString>,
}

impl StatementLog {
    fn record(&self, statement: String) {
        let mut seen = SEEN.lock().expect("statement log");
        if seen.contains(&statement) {
            return;
        }
        if let Some(path) = &self.file {
            let line = serde_json::to_string(&statement).expect("a string is JSON");
            let mut file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .expect("the statement log opens");
            writeln!(file, "{line}").expect("the statement log is written");
        }
        seen.insert(statement);
    }
}

/// sqlx's fields: `summary` (the first words) and `db.statement` (the
/// whole text, empty when the summary is all of it).
#[derive(Default)]
struct Fields {
    summary: String,
    statement: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "summary" => self.summary = value.to_owned(),
            "db.statement" => self.statement = value.to_owned(),
            _ => {}
        }
    }

    /// Both fields are strings (`record_str`); the others are not needed.
    fn record_debug(&mut self, _: &Field, _: &dyn Debug) {}
}

impl<S: Subscriber> Layer<S> for StatementLog {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if metadata.target() == TARGET {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        metadata.target() == TARGET
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let text = if fields.statement.trim().is_empty() {
            fields.summary
        } else {
            fields.statement
        };
        let text = text.trim();
        if !text.is_empty() {
            self.record(text.to_owned());
        }
    }
}
