//! Observability through the real server: `/metrics` counting what was asked, the request id
//! on responses and errors, spans exported over OTLP in the caller's trace, compressed answers.

use std::{
    collections::HashMap,
    io::{BufRead, BufReader, Read, Write},
    net::TcpListener,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use clusterbridge::http::EndpointSettings;
use serde_json::{json, Value};

use crate::support::{Process, TestApp};

type Samples = Vec<(String, HashMap<String, String>, f64)>;

/// The samples of a test server's `/metrics`.
fn scrape(app: &TestApp) -> Samples {
    samples(app.get("/metrics"))
}

/// The samples of a Prometheus text exposition: `(name, labels) → value`.
fn samples((status, text, headers): (u16, String, ureq::http::HeaderMap)) -> Samples {
    assert_eq!(status, 200, "{text}");
    let media = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(media.starts_with("text/plain; version=0.0.4"), "{media}");
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').expect("a sample is a series and a value");
            let (name, labels) = match series.split_once('{') {
                Some((name, rest)) => (name, rest.trim_end_matches('}')),
                None => (series, ""),
            };
            let labels = labels
                .split("\",")
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (key, value) = pair.split_once('=').expect("label=value");
                    (key.to_owned(), value.trim_matches('"').to_owned())
                })
                .collect();
            (name.to_owned(), labels, value.parse().expect("a number"))
        })
        .collect()
}

/// The value of `name` whose labels include `with` (0 when there is none yet).
fn value(samples: &[(String, HashMap<String, String>, f64)], name: &str, with: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|(n, labels, _)| n == name && with.iter().all(|(k, v)| labels.get(*k).map(String::as_str) == Some(*v)))
        .map(|(_, _, value)| value)
        .sum()
}

#[test]
fn metrics_count_exactly_the_requests_made() {
    // A `serve` process of its own: the metrics registry, and its cap on distinct operation
    // names, is one per process, and the test servers of this process fill it.
    let app = TestApp::empty();
    let server = Process::serve(
        &app,
        &[("METRICS_TOKEN", METRICS_TOKEN), ("DATABASE_MAX_CONNECTIONS", "4")],
    );
    let scrape = |_: &TestApp| metrics(&server);
    let name = "ObservedPage".to_owned();
    let count = |samples: &_, outcome| {
        value(
            samples,
            "http_requests_total",
            &[("route", "/graphql"), ("operation", &name), ("outcome", outcome)],
        )
    };
    let before = scrape(&app);
    for _ in 0..3 {
        let ok = server.query(&format!("query {name} {{ clusters(first: 1) {{ totalCount }} }}"));
        assert!(ok.get("errors").is_none(), "{ok}");
    }
    for _ in 0..2 {
        let error = server.query(&format!("query {name} {{ cluster(id: \"nonsense\") {{ name }} }}"));
        assert!(error["errors"].is_array(), "{error}");
    }
    // A mutation sent with GET is turned away before it runs.
    let path = format!("/graphql?query=mutation%20{name}%20%7B%20logout%20%7B%20ok%20%7D%20%7D");
    assert_eq!(server.get(&path, None).0, 405);
    let after = scrape(&app);
    assert_eq!(count(&after, "ok") - count(&before, "ok"), 3.0);
    assert_eq!(count(&after, "error") - count(&before, "error"), 2.0);
    assert_eq!(count(&after, "refused") - count(&before, "refused"), 1.0);
    let timed = |samples: &_| {
        value(
            samples,
            "http_request_duration_seconds_count",
            &[("route", "/graphql"), ("operation", &name)],
        )
    };
    assert_eq!(timed(&after) - timed(&before), 6.0, "each request timed once");
    let healthz = |samples: &_| {
        value(
            samples,
            "http_requests_total",
            &[("route", "/healthz"), ("outcome", "ok")],
        )
    };
    server.get("/healthz", None);
    assert!(
        healthz(&scrape(&app)) >= healthz(&after) + 1.0,
        "other routes count too"
    );

    // This server's gauges, read at scrape time.
    let gauges = scrape(&app);
    let queued = app.count("SELECT COUNT(*) FROM outbox_mail WHERE status = 'QUEUED'") as f64;
    assert_eq!(value(&gauges, "outbox_mail_messages", &[("status", "QUEUED")]), queued);
    assert!(gauges
        .iter()
        .any(|(n, l, _)| n == "outbox_mail_messages" && l["status"] == "FAILED"));
    let open = value(&gauges, "db_pool_connections", &[]);
    assert!((1.0..=4.0).contains(&open), "the pool holds 1 to 4 connections: {open}");
    assert_eq!(value(&gauges, "db_pool_max_connections", &[]), 4.0);
    assert_eq!(value(&gauges, "live_sockets_open", &[]), 0.0);
}

#[test]
fn operation_names_callers_choose_cannot_blow_up_the_labels() {
    let app = TestApp::spawn();
    let long = format!("Q{}", "x".repeat(80));
    app.query(&format!("query {long} {{ __typename }}"), json!({}));
    let samples = scrape(&app);
    assert!(!samples
        .iter()
        .any(|(_, labels, _)| labels.values().any(|v| v.contains("xxxxxxxxxx"))));
    assert!(value(&samples, "http_requests_total", &[("operation", "(other)")]) >= 1.0);
}

#[test]
fn metrics_are_for_the_token_holder_when_a_token_is_set() {
    let token = "a-metrics-token-for-the-scraper";
    let app = TestApp::with_settings(EndpointSettings {
        metrics_token: Some(token.to_owned()),
        ..EndpointSettings::default()
    });
    assert_eq!(app.get("/metrics").0, 401);
    let scraped = app
        .agent()
        .get(format!("{}/metrics", app.base))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .expect("scrape");
    assert_eq!(scraped.status().as_u16(), 200);
    // Without a token a production server shows nothing.
    let production = TestApp::with_settings(EndpointSettings {
        production: true,
        ..EndpointSettings::default()
    });
    assert_eq!(production.get("/metrics").0, 404);
}

#[test]
fn a_request_id_is_echoed_in_the_response_and_its_errors_or_replaced() {
    let app = TestApp::spawn();
    let send = |id: Option<&str>, query: &str| {
        let mut request = app.agent().post(format!("{}/graphql", app.base));
        if let Some(id) = id {
            request = request.header("X-Request-Id", id);
        }
        let mut response = request.send_json(json!({ "query": query })).expect("request");
        let echoed = response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body: Value = response.body_mut().read_json().expect("json");
        (echoed, body)
    };
    let (echoed, _) = send(Some("client-42.a_b"), "{ __typename }");
    assert_eq!(echoed.as_deref(), Some("client-42.a_b"));
    for bad in ["has spaces", "<script>", &"x".repeat(65)] {
        let (echoed, _) = send(Some(bad), "{ __typename }");
        let echoed = echoed.expect("an id");
        assert_ne!(echoed, bad);
        assert!(uuid::Uuid::parse_str(&echoed).is_ok(), "a new one: {echoed}");
    }
    let (made, _) = send(None, "{ __typename }");
    assert!(uuid::Uuid::parse_str(&made.expect("an id")).is_ok());
    let (_, _, headers) = app.get("/healthz");
    assert!(headers.contains_key("x-request-id"), "on every response");

    // Break the database: the internal error names the caller's id.
    app.sql("DROP TABLE partner_organisation_country");
    let (echoed, body) = send(
        Some("trace-me-7"),
        "{ partnerOrganisations { nodes { name countries } } }",
    );
    assert_eq!(echoed.as_deref(), Some("trace-me-7"));
    assert_eq!(body["errors"][0]["extensions"]["code"], "INTERNAL", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["requestId"], "trace-me-7");
}

#[test]
fn large_answers_are_compressed_as_negotiated_and_small_ones_are_not() {
    let app = TestApp::spawn();
    let query = json!({ "query": "{ clusters(first: 30) { nodes { name description ecosystems } } }" });
    let fetch = |encoding: Option<&str>, body: &Value| {
        let mut request = app.agent().post(format!("{}/graphql", app.base));
        if let Some(encoding) = encoding {
            request = request.header("Accept-Encoding", encoding);
        }
        let mut response = request.send_json(body).expect("request");
        let coding = response
            .headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut bytes = Vec::new();
        response.body_mut().as_reader().read_to_end(&mut bytes).expect("body");
        (coding, bytes)
    };
    let (plain_coding, plain) = fetch(None, &query);
    assert_eq!(plain_coding, None);
    assert!(plain.len() > 1024, "a large answer: {} bytes", plain.len());

    let (coding, gzipped) = fetch(Some("gzip"), &query);
    assert_eq!(coding.as_deref(), Some("gzip"));
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&gzipped[..])
        .read_to_end(&mut unzipped)
        .expect("gzip");
    assert_eq!(unzipped, plain);
    assert!(gzipped.len() < plain.len());

    let (coding, brotli) = fetch(Some("gzip;q=0.5, br"), &query);
    assert_eq!(coding.as_deref(), Some("br"));
    let mut unbrotlied = Vec::new();
    brotli::Decompressor::new(&brotli[..], 4096)
        .read_to_end(&mut unbrotlied)
        .expect("brotli");
    assert_eq!(unbrotlied, plain);
    eprintln!(
        "answer bytes: plain {}, gzip {}, br {}",
        plain.len(),
        gzipped.len(),
        brotli.len()
    );

    let (coding, small) = fetch(Some("gzip, br"), &json!({ "query": "{ __typename }" }));
    assert_eq!(coding, None, "small answers go as they are");
    let small: Value = serde_json::from_slice(&small).expect("plain JSON");
    assert_eq!(small["data"]["__typename"], "Query");
}

/// The path and body of each POST a collector was sent.
type Received = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// A collector on loopback: records the path and body of each POST it is sent.
fn collector() -> (String, Received) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((name, value)) = line.split_once(':') {
                    if name.eq_ignore_ascii_case("content-length") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or("").to_owned();
            store.lock().expect("store").push((path, body));
            let mut stream = reader.into_inner();
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            );
        }
    });
    (address, received)
}

const METRICS_TOKEN: &str = "a-metrics-token-for-the-test";

/// The metrics of a `serve` process, scraped with the token it was given.
fn metrics(server: &Process) -> Samples {
    samples(server.get("/metrics", Some(METRICS_TOKEN)))
}

#[test]
fn spans_reach_an_otlp_collector_as_children_of_the_callers_trace_and_logs_carry_the_request_id() {
    let app = TestApp::empty();
    let (endpoint, received) = collector();
    let server = Process::serve(
        &app,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        ],
    );
    let (agent, base, lines) = (&server.agent, &server.base, server.log.clone());
    let deadline = Instant::now() + Duration::from_secs(30);
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let parent_id = "00f067aa0ba902b7";
    let answer = agent
        .post(format!("{base}/graphql"))
        .header("traceparent", format!("00-{trace_id}-{parent_id}-01"))
        .header("X-Request-Id", "otlp-test-1")
        .send_json(json!({ "query": "{ __typename }" }))
        .expect("request");
    assert_eq!(answer.status().as_u16(), 200);
    let trace_bytes = hex::decode(trace_id).expect("hex");
    let parent_bytes = hex::decode(parent_id).expect("hex");
    let contains = |body: &[u8], needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);
    let exported = loop {
        let found = received
            .lock()
            .expect("received")
            .iter()
            .find(|(_, body)| contains(body, &trace_bytes))
            .cloned();
        if let Some(found) = found {
            break found;
        }
        if Instant::now() > deadline {
            panic!("no span of the trace reached the collector");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    drop(server);
    assert_eq!(exported.0, "/v1/traces");
    // The server span's parent is the caller's span; its attributes name the request id.
    assert!(contains(&exported.1, &parent_bytes), "the caller's span is the parent");
    assert!(contains(&exported.1, b"otlp-test-1"), "the request id is an attribute");
    assert!(contains(&exported.1, b"clusterbridge"), "the service name");

    let lines = lines.lock().expect("log");
    let access = lines
        .iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|line| {
            line["fields"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("POST /graphql"))
        })
        .unwrap_or_else(|| panic!("a JSON access line among {} lines", lines.len()));
    assert_eq!(access["span"]["request_id"], "otlp-test-1", "{access}");
    assert_eq!(access["fields"]["status"], 200, "{access}");
}
