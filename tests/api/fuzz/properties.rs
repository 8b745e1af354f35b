//! What every answer must hold (`check`), the request a case sends, and the findings and report of
//! a run; panics on the server's threads are counted too, since they may not show in an answer.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};
use std::time::Duration;

use serde_json::Value;

pub(super) struct Case {
    pub(super) kind: &'static str,
    /// The query string of a GET request; a POST otherwise.
    pub(super) get: Option<String>,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
    /// The number of operations of a JSON array body.
    pub(super) batch: Option<usize>,
    /// What the request says, decoded, to tell an echo of it from leaked SQL.
    pub(super) plain: String,
}

impl Case {
    pub(super) fn describe(&self) -> String {
        let mut out = String::new();
        match &self.get {
            Some(qs) => {
                let _ = write!(out, "GET /graphql?{}", excerpt(qs, 1500));
            }
            None => out.push_str("POST /graphql"),
        }
        for (name, value) in &self.headers {
            let _ = write!(out, "\n  {name}: {}", excerpt(value, 200));
        }
        if self.get.is_none() {
            let body = String::from_utf8_lossy(&self.body);
            let _ = write!(out, "\n  body ({} bytes): {:?}", self.body.len(), excerpt(&body, 2000));
        }
        out
    }
}

/// A problem with the details that vary taken out (quoted text, numbers, what was found
/// instead), to group findings.
pub(super) fn problem_class(problem: &str) -> String {
    let problem = problem.split(", found ").next().unwrap_or_default();
    let mut class = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in problem.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => {
                quoted = !quoted;
                if quoted {
                    class.push('…');
                }
            }
            _ if quoted => {}
            '0'..='9' => {
                if !class.ends_with('#') {
                    class.push('#');
                }
            }
            c => class.push(c),
        }
    }
    class.chars().take(140).collect()
}

pub(super) fn excerpt(s: &str, max: usize) -> String {
    let count = s.chars().count();
    if count <= max {
        s.to_owned()
    } else {
        format!(
            "{}… ({} more characters)",
            s.chars().take(max).collect::<String>(),
            count - max
        )
    }
}

pub(super) struct Finding {
    pub(super) case: usize,
    pub(super) kind: &'static str,
    pub(super) problem: String,
    pub(super) request: String,
    pub(super) status: u16,
    pub(super) response: String,
}

#[derive(Default)]
pub(super) struct Report {
    pub(super) cases: usize,
    pub(super) skipped: usize,
    pub(super) retried: usize,
    /// Cases and time spent, by kind.
    pub(super) kinds: BTreeMap<&'static str, (usize, Duration)>,
    pub(super) statuses: BTreeMap<u16, usize>,
    pub(super) codes: BTreeMap<String, usize>,
    pub(super) findings: Vec<Finding>,
}

/// Words that appear in SQL or in database driver errors, never in our own messages.
pub(super) const SQL_MARKERS: &[&str] = &[
    "select ",
    "insert into",
    "update \"",
    "delete from",
    " where ",
    "sqlx",
    "syntax error at or near",
    "sqlite",
    "postgres",
    "fts5",
    "tsquery",
    "violates",
    "duplicate key",
    "constraint failed",
    "no such table",
    "no such column",
    "relation \"",
    "error returned from database",
    "pg_",
];

/// Everything wrong with one answer.
pub(super) fn check(case: &Case, status: u16, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let body: Value = match serde_json::from_str(text) {
        Ok(body) => body,
        Err(err) => {
            if status >= 500 {
                problems.push(format!("status {status}"));
            }
            problems.push(format!("the body is not JSON ({err})"));
            return problems;
        }
    };
    let replies: Vec<&Value> = match &body {
        Value::Array(items) => {
            match case.batch {
                None => problems.push("an array answers a single operation".into()),
                Some(n) if n != items.len() => problems.push(format!("{} answers for a batch of {n}", items.len())),
                Some(_) => {}
            }
            items.iter().collect()
        }
        Value::Object(_) => {
            if case.batch.is_some() && status == 200 {
                problems.push("a batch answered 200 without an array".into());
            }
            vec![&body]
        }
        _ => {
            problems.push("the body is neither an object nor an array".into());
            Vec::new()
        }
    };
    let plain = case.plain.to_lowercase();
    let mut codes: Vec<String> = Vec::new();
    let mut internal: Vec<String> = Vec::new();
    for reply in replies {
        let Some(object) = reply.as_object() else {
            problems.push(format!("an answer is not an object: {reply}"));
            continue;
        };
        if !object.contains_key("data") && !object.contains_key("errors") {
            problems.push("an answer has neither data nor errors".into());
        }
        let Some(errors) = object.get("errors") else { continue };
        let Some(errors) = errors.as_array().filter(|e| !e.is_empty()) else {
            problems.push(format!("errors is not a non-empty list: {errors}"));
            continue;
        };
        for error in errors {
            match error["extensions"]["code"].as_str() {
                Some("INTERNAL") => {
                    codes.push("INTERNAL".into());
                    internal.push(error["message"].as_str().unwrap_or_default().to_owned());
                }
                Some(code) => codes.push(code.to_owned()),
                None => problems.push(format!("an error without a string extensions.code: {error}")),
            }
            if !error["message"].is_string() {
                problems.push(format!("an error without a message: {error}"));
            }
            let said = error.to_string().to_lowercase();
            for marker in SQL_MARKERS {
                if said.contains(marker) && !plain.contains(marker) {
                    problems.push(format!("an error shows SQL or a driver message ({marker:?}): {error}"));
                }
            }
        }
    }
    if status >= 500 {
        let by_design = status == 503 && codes.iter().any(|c| c == "TIMEOUT" || c == "UNAVAILABLE");
        if !by_design {
            problems.push(format!("status {status} (codes {codes:?})"));
        }
    }
    if status >= 400 && codes.is_empty() {
        problems.push(format!("status {status} without an error code"));
    }
    for message in internal {
        problems.push(format!("INTERNAL, the fallback for an error without a code: {message}"));
    }
    problems
}

// Panics on the server's threads, which may not show in an answer (a DataLoader task, say).
pub(super) static SERVER_PANICS: AtomicUsize = AtomicUsize::new(0);
pub(super) static PANIC_MESSAGES: Mutex<Vec<String>> = Mutex::new(Vec::new());

pub(super) fn count_server_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let thread = std::thread::current();
            let name = thread.name().unwrap_or("");
            if name.starts_with("actix") {
                SERVER_PANICS.fetch_add(1, Ordering::SeqCst);
                if let Ok(mut messages) = PANIC_MESSAGES.lock() {
                    messages.push(format!("{name}: {info}"));
                }
            }
            previous(info);
        }));
    });
}
