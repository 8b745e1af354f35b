//! GraphiQL served by the server itself: its files with their types and cache headers, nothing
//! from a CDN, a strict CSP; and, in headless Chromium with the network cut off from all but
//! loopback, the editor that runs a query, anonymously in development and after signing in
//! through the page's form in production.

use std::path::Path;

use clusterbridge::http::EndpointSettings;
use serde_json::{json, Value};

use crate::support::{browser_ready, TestApp};

/// Hosts GraphiQL's own page used to load React and itself from.
const CDN_HOSTS: [&str; 4] = ["unpkg.com", "cdn.jsdelivr.net", "cdnjs.cloudflare.com", "esm.sh"];

fn asset_paths(page: &str) -> Vec<String> {
    page.split(['"', '\''])
        .filter(|part| part.starts_with("/graphiql/assets/"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_page_and_its_files_come_from_the_server_itself() {
    let app = TestApp::spawn();
    let (status, page, headers) = app.get("/");
    assert_eq!(status, 200);
    let csp = headers["content-security-policy"].to_str().unwrap_or("");
    assert!(
        csp.contains("script-src 'self';") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert!(
        !page.contains("https://") && !page.contains("http://"),
        "no outside URL: {page}"
    );
    // Every script is a file of the server's: none inline (the data block is not run).
    assert_eq!(
        page.matches("<script").count(),
        page.matches("<script src=\"/graphiql/assets/").count() + 1
    );
    assert!(page.contains(r#"<script type="application/json" id="defaultQuery">"#));

    let assets = asset_paths(&page);
    assert_eq!(
        assets.len(),
        6,
        "React, ReactDOM, GraphiQL's script and style, the page's: {assets:?}"
    );
    for path in &assets {
        let (status, body, headers) = app.get(path);
        assert_eq!(status, 200, "{path}");
        let kind = headers["content-type"].to_str().unwrap_or("");
        let expected = if path.ends_with(".css") {
            "text/css"
        } else {
            "text/javascript"
        };
        assert!(kind.starts_with(expected), "{path}: {kind}");
        assert_eq!(
            headers["cache-control"], "public, max-age=31536000, immutable",
            "{path}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        for host in CDN_HOSTS {
            assert!(!body.contains(&format!("//{host}")), "{path} loads from {host}");
        }
        assert!(!body.contains("fonts.googleapis.com"), "{path}");
    }
    // GraphiQL's 3.5 MB script goes out gzipped as built, never compressed per request.
    let script = assets
        .iter()
        .find(|a| a.contains("/graphiql.") && a.ends_with(".js"))
        .expect("GraphiQL's script");
    let (_, plain, headers) = app.get(script);
    assert!(
        headers.get("content-encoding").is_none(),
        "as it is for a client asking no encoding"
    );
    for asked in ["gzip, deflate, br", "br"] {
        let mut response = app
            .agent()
            .get(format!("{}{script}", app.base))
            .header("Accept-Encoding", asked)
            .call()
            .expect("the script");
        let encoding = response
            .headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap_or("").to_owned());
        let body = response
            .body_mut()
            .with_config()
            .limit(10 << 20)
            .read_to_vec()
            .expect("body");
        if asked == "br" {
            assert_eq!(encoding, None, "no brotli made per request");
            assert_eq!(body.len(), plain.len());
        } else {
            assert_eq!(encoding.as_deref(), Some("gzip"));
            assert!(body.len() < plain.len() / 2, "{} of {} bytes", body.len(), plain.len());
            let mut unzipped = String::new();
            std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(body.as_slice()), &mut unzipped)
                .expect("gzip");
            assert_eq!(unzipped, plain);
        }
    }
    let (missing, _, _) = app.get("/graphiql/assets/graphiql.0000000000000000.js");
    assert_eq!(missing, 404);
}

#[test]
fn in_production_the_page_is_served_to_anyone_and_the_schema_still_only_to_admins() {
    let app = TestApp::with_settings(EndpointSettings {
        production: true,
        ..EndpointSettings::default()
    });
    let (status, page, _) = app.get("/");
    assert_eq!(status, 200, "a browser cannot send a bearer header to open it");
    assert!(page.contains("id=\"sign-in\""));
    let introspection = "{ __schema { queryType { name } } }";
    assert_eq!(app.query(introspection, json!({})).code(), "FORBIDDEN");
    assert_eq!(
        app.as_admin(introspection, json!({})).data()["__schema"]["queryType"]["name"],
        "Query"
    );
}

/// Runs `tests/browser/graphiql.mjs`; None (after a loud line) when Chromium cannot be installed.
fn in_chromium(app: &TestApp, query: &str, sign_in: Option<(&str, &str)>) -> Option<Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !browser_ready(root) {
        eprintln!(
            "\n\n########## SKIPPED GraphiQL in headless chromium: chromium or playwright-core \
             could not be installed (scripts/install-browser failed) ##########\n\n"
        );
        return None;
    }
    let mut command = std::process::Command::new("node");
    command
        .arg(root.join("tests/browser/graphiql.mjs"))
        .arg(&app.base)
        .arg(query);
    if let Some((email, password)) = sign_in {
        command.arg(email).arg(password);
    }
    let out = command.output().expect("run node");
    assert!(
        out.status.success(),
        "graphiql.mjs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: Value = serde_json::from_slice(&out.stdout).expect("the script's JSON");
    assert_eq!(seen["status"], 200);
    assert_eq!(seen["editorSeen"], true);
    assert_eq!(seen["cutOff"], json!([]), "the page asked for nothing outside: {seen}");
    assert_eq!(seen["problems"], json!([]), "no page error, no CSP violation: {seen}");
    Some(seen)
}

fn result_of(seen: &Value) -> Value {
    serde_json::from_str(seen["result"].as_str().unwrap_or("")).expect("the result pane holds JSON")
}

#[test]
fn graphiql_runs_a_query_offline_in_headless_chromium() {
    let app = TestApp::spawn();
    let query = "{ clusters(first: 1) { nodes { name } } }";
    let expected = app.query(query, json!({})).data()["clusters"]["nodes"][0]["name"].clone();
    assert!(expected.is_string());
    let Some(seen) = in_chromium(&app, query, None) else {
        return;
    };
    assert_eq!(
        result_of(&seen)["data"]["clusters"]["nodes"][0]["name"],
        expected,
        "{seen}"
    );
}

#[test]
fn in_production_an_admin_signs_in_through_the_page_and_runs_an_admin_query() {
    let app = TestApp::with_settings(EndpointSettings {
        production: true,
        ..EndpointSettings::default()
    });
    // Introspection and the subscriber counts: both for administrators only in production.
    let query = "{ __schema { queryType { name } } digestSubscriberCounts { confirmed } }";
    assert_eq!(app.query(query, json!({})).code(), "FORBIDDEN", "anonymous is refused");

    let Some(anonymous) = in_chromium(&app, query, None) else {
        return;
    };
    assert_eq!(result_of(&anonymous)["errors"][0]["extensions"]["code"], "FORBIDDEN");

    let admin = ("admin@clusterbridge.example", "admin-demo-password");
    let Some(seen) = in_chromium(&app, query, Some(admin)) else {
        return;
    };
    let session = seen["session"].as_str().unwrap_or("");
    assert!(session.starts_with("Signed in as"), "{session}");
    let result = result_of(&seen);
    assert_eq!(result["data"]["__schema"]["queryType"]["name"], "Query", "{result}");
    assert!(
        result["data"]["digestSubscriberCounts"]["confirmed"].is_number(),
        "{result}"
    );
    // The token stayed in the page's memory.
    let stored = seen["stored"].as_str().unwrap_or("");
    assert!(!stored.contains("eyJ"), "no token in localStorage: {stored}");
}
