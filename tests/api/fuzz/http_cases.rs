//! HTTP cases: batches, GET, garbage bodies, media types, credentials, persisted documents and
//! big bodies.

use std::fmt::Write as _;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use clusterbridge::domain::persisted_document;
use serde_json::{json, Value};

use super::documents::Mode;
use super::properties::Case;
use super::runner::Fuzzer;
use super::values::{url_encode, ESCAPES};

impl Fuzzer {
    /// One operation of any kind, as JSON.
    pub(super) fn any_operation_json(&mut self) -> String {
        let m = if self.rng.percent(60) { Mode::SANE } else { Mode::BROKEN };
        let doc = match self.rng.below(10) {
            0 => self.broken_doc(),
            1 => {
                let levels = self.rng.between(1, 3) as usize;
                self.operation(true, 1, levels, m)
            }
            _ => {
                let levels = self.rng.between(1, 6) as usize;
                self.operation(false, 0, levels, m)
            }
        };
        self.operation_json(&doc, m)
    }

    pub(super) fn http_case(&mut self) -> Case {
        match self.rng.below(100) {
            0..=21 => self.batch_case(),
            22..=41 => self.get_case(),
            42..=56 => self.garbage_body_case(),
            57..=66 => self.content_type_case(),
            67..=71 => self.accept_case(),
            72..=81 => self.credentials_case(),
            82..=86 => self.persisted_case(),
            87..=97 => self.json_escapes_case(),
            _ => self.big_body_case(),
        }
    }

    pub(super) fn batch_case(&mut self) -> Case {
        let n = self.rng.between(1, 12) as usize;
        let mut items = Vec::with_capacity(n);
        let mut garbage = false;
        for _ in 0..n {
            if self.rng.percent(3) {
                garbage = true;
                items.push(
                    (*self
                        .rng
                        .pick(&["42", "null", "\"{ me { role } }\"", "[]", "{}", "{\"query\":7}"]))
                    .to_owned(),
                );
            } else {
                items.push(self.any_operation_json());
            }
        }
        let body = format!("[{}]", items.join(","));
        let token = self.token();
        let mut case = self.post_case("batch", body, token);
        case.batch = Some(n);
        if garbage {
            case.kind = "batch with a garbage element";
        }
        case
    }

    pub(super) fn get_case(&mut self) -> Case {
        let token = self.token();
        let mut case = self.post_case("GET", String::new(), token);
        case.headers.retain(|(name, _)| name != "Content-Type");
        let qs = match self.rng.below(10) {
            0..=5 => {
                let m = if self.rng.percent(50) {
                    Mode { vars: 60, ..Mode::SANE }
                } else {
                    Mode::BROKEN
                };
                let levels = self.rng.between(1, 6) as usize;
                let doc = self.operation(false, 0, levels, m);
                let mut qs = format!("query={}", url_encode(&doc.text));
                case.plain = doc.text.clone();
                if !doc.vars.is_empty() || self.rng.percent(20) {
                    let vars = self.variables_json(&doc.vars, m);
                    let _ = write!(qs, "&variables={}", url_encode(&vars));
                    case.plain.push_str(&vars);
                }
                if let Some(name) = &doc.op_name {
                    let _ = write!(qs, "&operationName={}", url_encode(name));
                }
                qs
            }
            6 => {
                let doc = self.broken_doc();
                case.plain = doc.text.clone();
                format!("query={}", url_encode(&doc.text))
            }
            7 => (*self.rng.pick(&[
                "",
                "query=",
                "query",
                "variables={}",
                "query=%7B%20me%20%7B%20role%20%7D%20%7D&query=%7B%7D",
                "query=%ZZ",
                "query=%",
                "query=%E0%80%80",
                "query=%C0%AF",
                "query=%00",
                "query=%7B__typename%7D&variables=oops",
                "query=%7B__typename%7D&variables=%5B%5D",
                "query=%7B__typename%7D&extensions=%7B%22persistedQuery%22%3A7%7D",
                "query=%7B__typename%7D&operationName=",
                "query={__typename}",
                "query=%7B__typename%7D;query=x",
                "a=b&&&&==&query=%7B__typename%7D",
                "query=%F0%9F%98%80",
                "query=+%7B+__typename+%7D+",
            ]))
            .to_owned(),
            8 => {
                // Random bytes, percent-encoded.
                let mut qs = String::from("query=");
                for _ in 0..self.rng.below(200) {
                    let _ = write!(qs, "%{:02X}", self.rng.below(256));
                }
                qs
            }
            _ => {
                // Printable junk, as it is.
                let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789=&%+;:,/?@!$'()*-._~[]";
                (0..self.rng.below(120))
                    .map(|_| alphabet[self.rng.below(alphabet.len())] as char)
                    .collect()
            }
        };
        case.get = Some(qs);
        case
    }

    pub(super) fn garbage_body_case(&mut self) -> Case {
        let body: Vec<u8> = match self.rng.below(8) {
            0 => (0..self.rng.below(2_000)).map(|_| self.rng.below(256) as u8).collect(),
            1 => {
                let valid = self.any_operation_json();
                let cut = self.rng.below(valid.len().max(1));
                valid.as_bytes()[..cut].to_vec()
            }
            2 => (*self.rng.pick(&[
                "",
                " ",
                "null",
                "true",
                "42",
                "\"{ me { role } }\"",
                "[]",
                "{}",
                "{\"query\":5}",
                "{\"query\":null}",
                "{\"query\":[\"{ me { role } }\"]}",
                "{\"query\":\"{ me { role } }\",\"variables\":\"x\"}",
                "{\"query\":\"{ me { role } }\",\"variables\":[1]}",
                "{\"query\":\"{ me { role } }\",\"operationName\":7}",
                "{\"query\":\"{ me { role } }\",\"extensions\":[]}",
                "{\"query\":\"{ me { role } }\",\"extensions\":{\"persistedQuery\":{\"sha256Hash\":7}}}",
                "{\"query\":\"a\",\"query\":\"{ me { role } }\"}",
                "{\"query\":\"{ me { role } }\"} trailing",
                "{\"query\":\"{ me { role } }\",}",
                "{'query':'{ me { role } }'}",
                "{\"QUERY\":\"{ me { role } }\"}",
                "[[{\"query\":\"{ me { role } }\"}]]",
                "[null]",
                "{\"query\":\"{ clusters(first: 1) { totalCount } }\",\"variables\":{\"x\":1e400}}",
                "{\"query\":\"{ me { role } }\",\"variables\":{\"x\":123456789012345678901234567890}}",
            ]))
            .as_bytes()
            .to_vec(),
            3 => {
                let mut bytes = self.any_operation_json().into_bytes();
                for _ in 0..1 + self.rng.below(4) {
                    let at = self.rng.below(bytes.len());
                    if at < bytes.len() {
                        bytes[at] = self.rng.below(256) as u8;
                    }
                }
                bytes
            }
            4 => {
                let n = *self.rng.pick(&[100, 127, 128, 129, 1_000, 100_000]);
                format!(
                    "{{\"query\":\"{{ me {{ role }} }}\",\"variables\":{{\"v\":{}{}}}}}",
                    "[".repeat(n),
                    "]".repeat(n)
                )
                .into_bytes()
            }
            5 => {
                let n = *self.rng.pick(&[100, 200, 1_000]);
                format!(
                    "{{\"query\":\"{{ me {{ role }} }}\",\"variables\":{{\"v\":{}1{}}}}}",
                    "{\"a\":".repeat(n),
                    "}".repeat(n)
                )
                .into_bytes()
            }
            6 => {
                let mut bytes = b"\xEF\xBB\xBF".to_vec();
                bytes.extend(self.any_operation_json().into_bytes());
                bytes
            }
            _ => {
                let mut bytes = self.any_operation_json().into_bytes();
                bytes.extend(b"\xff\xfe\x00");
                bytes
            }
        };
        let token = self.token();
        let mut case = self.post_case("garbage body", String::new(), token);
        case.plain = String::from_utf8_lossy(&body).into_owned();
        if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
            let parsed = serde_json::from_slice::<Value>(&body).ok();
            case.batch = Some(parsed.and_then(|v| v.as_array().map(Vec::len)).unwrap_or(0));
        }
        case.body = body;
        case
    }

    pub(super) fn content_type_case(&mut self) -> Case {
        let body = self.any_operation_json();
        let token = self.token();
        let mut case = self.post_case("content type", body, token);
        case.headers.retain(|(name, _)| name != "Content-Type");
        let content_type = self.rng.pick_str(&[
            "text/plain",
            "text/plain; charset=utf-8",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/graphql",
            "application/xml",
            "APPLICATION/JSON",
            "application/json; charset=utf-16",
            "application/json;;;",
            "application/json, text/plain",
            "",
            "*/*",
            "application/octet-stream",
            "application/graphql-response+json",
            "application/jsonx",
        ]);
        case.headers.push(("Content-Type".into(), content_type.into()));
        if self.rng.percent(50) {
            let header = self.rng.pick_str(&[
                "GraphQL-Require-Preflight",
                "X-Apollo-Operation-Name",
                "Apollo-Require-Preflight",
            ]);
            case.headers.push((header.into(), "1".into()));
        }
        case
    }

    pub(super) fn accept_case(&mut self) -> Case {
        let body = self.any_operation_json();
        let token = self.token();
        let mut case = self.post_case("accept", body, token);
        case.headers.retain(|(name, _)| name != "Accept");
        let accept = self.rng.pick_str(&[
            "text/html",
            "application/graphql-response+json;q=0.9, application/json;q=0.8",
            "*/*",
            "application/*",
            "",
            "application/xml",
            "application/json;charset=utf-8",
            ",,,",
            "text/event-stream",
            "image/png, */*;q=0.1",
        ]);
        case.headers.push(("Accept".into(), accept.into()));
        case
    }

    pub(super) fn credentials_case(&mut self) -> Case {
        let body = self.any_operation_json();
        let mut case = self.post_case("credentials", body, None);
        let long = "a".repeat(4_000);
        let value = match self.rng.below(12) {
            0 => "Bearer".to_owned(),
            1 => "Bearer ".to_owned(),
            2 => format!("Basic {}", URL_SAFE_NO_PAD.encode("admin:admin")),
            3 => format!("bearer {}", self.admin),
            4 => format!("Bearer  {}  ", self.admin),
            5 => "Bearer cbk_".to_owned(),
            6 => format!("Bearer cbk_{}_{long}", self.rng.next()),
            7 => "Bearer %D0%BA%D0%BB\\u044e\\x00".to_owned(),
            8 => format!("Bearer {long}"),
            9 => "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6IkFETUlOIn0.".to_owned(),
            10 => format!("Bearer {}, Bearer {}", self.admin, self.admin),
            _ => format!("Bearer {}", self.rng.pick(&self.others)),
        };
        case.headers.push(("Authorization".into(), value));
        case
    }

    pub(super) fn persisted_case(&mut self) -> Case {
        let query = match self.rng.below(4) {
            0 => format!("{{ me {{ role }} }} # {}", self.rng.next()),
            1 => format!(
                "{{ clusterBySlug(slug: \"nul\\u0000{}\") {{ id }} }}",
                self.rng.below(100)
            ),
            2 => format!("{{ __typename }} # \u{0} {}", self.rng.below(100)),
            _ => self.broken_doc().text,
        };
        let hash = persisted_document::hash(&query);
        let persisted =
            |hash: &str, version: u8| json!({ "persistedQuery": { "version": version, "sha256Hash": hash } });
        let body = match self.rng.below(6) {
            0 => json!({ "extensions": persisted(&hash, 1) }),
            1 | 2 => json!({ "query": query, "extensions": persisted(&hash, 1) }),
            3 => json!({ "query": query, "extensions": persisted(&"00".repeat(32), 1) }),
            4 => json!({ "extensions": persisted("\u{0}' OR 1=1 --", 1) }),
            _ => json!({ "query": "", "extensions": persisted(&hash.to_uppercase(), 2) }),
        };
        let token = self.token();
        self.post_case("persisted document", body.to_string(), token)
    }

    pub(super) fn json_escapes_case(&mut self) -> Case {
        let escape = self.rng.pick_str(ESCAPES);
        let body = match self.rng.below(5) {
            0 => format!("{{\"query\":\"{{ clusterBySlug(slug: \\\"a{escape}b\\\") {{ id }} }}\"}}"),
            1 => format!("{{\"query\":\"{{ me {{ role }} }}{escape}\"}}"),
            2 => format!(
                "{{\"query\":\"query($s: String!) {{ clusterBySlug(slug: $s) {{ id }} }}\",\"variables\":{{\"s\":\"{escape}\"}}}}"
            ),
            3 => format!(
                "{{\"query\":\"query($e: String!) {{ userByEmail(email: $e) {{ id }} }}\",\"variables\":{{\"e\":\"a{escape}@example.org\"}}}}"
            ),
            _ => format!(
                "{{\"query\":\"{{ clusters(first: 3, filter: {{query: \\\"{escape}\\\"}}) {{ totalCount }} }}\",\"operationName\":\"{escape}\"}}"
            ),
        };
        let token = self.token();
        self.post_case("JSON escapes", body, token)
    }

    pub(super) fn big_body_case(&mut self) -> Case {
        let size = *self.rng.pick(&[10_240, 100_000, 900_000, 1_048_000, 1_100_000]);
        let body = match self.rng.below(3) {
            0 => format!("{{\"query\":\"{{ me {{ role }} }}{}\"}}", " ".repeat(size)),
            1 => format!(
                "{{\"query\":\"query($s: String!) {{ clusterBySlug(slug: $s) {{ id }} }}\",\"variables\":{{\"s\":\"{}\"}}}}",
                "é".repeat(size / 2)
            ),
            _ => format!("{{\"query\":\"{{ {} }}\"}}", "__typename ".repeat(size / 11)),
        };
        let token = self.token();
        self.post_case("big body", body, token)
    }
}
