//! The web views: `GET /digest/latest` and `GET /digest/{week}` with their content type, cache
//! headers and 404 pages, and the latest issue opened in headless Chromium (Debian's chromium
//! through playwright-core), its screenshot checked not to be blank.

use std::path::Path;

use serde_json::Value;

use super::{build, news_in_week, WEEK};
use crate::{
    mail::scratch,
    support::{browser_ready, TestApp},
};

#[test]
fn the_web_views_serve_the_stored_issue_and_404_otherwise() {
    let app = TestApp::spawn();
    let (status, body, headers) = app.get("/digest/latest");
    assert_eq!(status, 404, "nothing built yet");
    assert!(body.contains("No such digest"));
    assert!(headers["content-type"].to_str().unwrap_or("").starts_with("text/html"));

    news_in_week(&app, "Cluster news <of> the week");
    build(&app, TestApp::admin().as_deref(), WEEK).data();
    for path in ["/digest/latest", "/digest/2026-W40", "/digest/2026-w40"] {
        let (status, body, headers) = app.get(path);
        assert_eq!(status, 200, "{path}");
        assert_eq!(headers["content-type"], "text/html; charset=utf-8");
        assert!(headers["cache-control"]
            .to_str()
            .unwrap_or("")
            .starts_with("public, max-age="));
        assert_eq!(headers["content-language"], "en");
        assert!(body.contains("Cluster news &lt;of&gt; the week"), "escaped: {body}");
        assert!(body.contains("2026-W40: 2026-09-28 – 2026-10-04 (UTC)"));
        assert!(!body.contains("unsubscribe"), "the web view is no one's mail");
    }
    for path in ["/digest/2026-W41", "/digest/2026-W99"] {
        let (status, body, headers) = app.get(path);
        assert_eq!(status, 404, "{path}");
        assert!(body.contains("No such digest"));
        assert_eq!(headers["cache-control"], "no-store");
    }
    // A later week becomes the latest.
    app.sql("UPDATE post SET published_at = '2026-10-07 08:00:00+00:00'");
    news_in_week(&app, "Only in week 40");
    build(&app, TestApp::admin().as_deref(), "2026-W41").data();
    let (_, latest, _) = app.get("/digest/latest");
    assert!(latest.contains("2026-W41") && !latest.contains("Only in week 40"));
}

#[test]
fn the_latest_issue_renders_in_headless_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !browser_ready(root) {
        eprintln!(
            "\n\n########## SKIPPED the_latest_issue_renders_in_headless_chromium: chromium or \
             playwright-core could not be installed (scripts/install-browser failed) ##########\n\n"
        );
        return;
    }
    let app = TestApp::spawn();
    news_in_week(&app, "Taipei smart machinery news");
    build(&app, TestApp::admin().as_deref(), WEEK).data();

    let shot = scratch("digest-screenshot").with_extension("png");
    let out = std::process::Command::new("node")
        .arg(root.join("tests/browser/screenshot.mjs"))
        .arg(format!("{}/digest/latest", app.base))
        .arg(&shot)
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "screenshot failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: Value = serde_json::from_slice(&out.stdout).expect("the script's JSON");
    let _ = std::fs::remove_file(&shot);
    assert_eq!(seen["status"], 200);
    let text = seen["text"].as_str().unwrap_or("");
    assert!(text.contains("Taipei smart machinery news"), "{text}");
    assert!(text.contains("ECCP weekly digest 2026-W40"), "{text}");
    assert_eq!(seen["differsFromBlank"], true);
    let (non_white, total) = (
        seen["nonWhite"].as_u64().unwrap_or(0),
        seen["total"].as_u64().unwrap_or(0),
    );
    // Headings, text and the rules of the layout: well over a few hundred pixels, far from all.
    assert!(
        non_white > 2_000 && non_white < total / 2,
        "{non_white} of {total} pixels not white"
    );
}
