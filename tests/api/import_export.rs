//! Issue 18, points 1 and 2: importing a partner's registry by its own ids (GraphQL multipart
//! upload and `clusterbridge import`), and the streamed open-data export, parsed back with the
//! csv crate and serde_json, and their memory (over 450 lines: the import and export tests share
//! their helpers and the generated-directory harness).

use clusterbridge::{auth::Role, http::EndpointSettings};
use serde_json::{json, Value};

use crate::{
    cli::clusterbridge,
    support::{uuid_of, Process, TestApp},
};

const IMPORT: &str = "mutation($file: Upload!, $mode: ImportMode) {
  importClusters(file: $file, mode: $mode) {
    rows created updated unchanged rejected committed fileError
    rejections { row externalId reason }
  }
}";

/// The demo partner organisation (CNFI, for TW) and a PARTNER token of its people.
fn partner(app: &TestApp) -> (String, String) {
    let reply = app.query(
        r#"{ clusters(filter: {countries: ["TW"]}, first: 50) { nodes { representedBy { id } } } }"#,
        json!({}),
    );
    let id = reply.data()["clusters"]["nodes"]
        .as_array()
        .expect("clusters")
        .iter()
        .find_map(|n| n["representedBy"]["id"].as_str())
        .expect("a TW cluster represented by its partner")
        .to_owned();
    let token = TestApp::scoped_token(Role::Partner, &["TW"], &[], &[&id]);
    (id, token)
}

/// Sends `query` with `files` as a GraphQL multipart request (operations, map, the files).
fn upload(app: &TestApp, token: Option<&str>, query: &str, variables: Value, files: &[(&str, &[u8])]) -> (u16, Value) {
    let boundary = "----clusterbridge-test-boundary";
    let mut variables = variables;
    let mut map = serde_json::Map::new();
    for (i, _) in files.iter().enumerate() {
        let path = if files.len() == 1 {
            "variables.file".to_owned()
        } else {
            format!("variables.files.{i}")
        };
        map.insert(i.to_string(), json!([path]));
    }
    if files.len() == 1 {
        variables["file"] = Value::Null;
    } else {
        variables["files"] = json!(vec![Value::Null; files.len()]);
    }
    let mut body = Vec::new();
    let mut part = |headers: String, content: &[u8]| {
        body.extend(format!("--{boundary}\r\n{headers}\r\n\r\n").into_bytes());
        body.extend_from_slice(content);
        body.extend(b"\r\n");
    };
    let operations = json!({ "query": query, "variables": variables }).to_string();
    part(
        "Content-Disposition: form-data; name=\"operations\"".into(),
        operations.as_bytes(),
    );
    part(
        "Content-Disposition: form-data; name=\"map\"".into(),
        Value::Object(map).to_string().as_bytes(),
    );
    for (i, (name, content)) in files.iter().enumerate() {
        part(
            format!("Content-Disposition: form-data; name=\"{i}\"; filename=\"{name}\"\r\nContent-Type: text/plain"),
            content,
        );
    }
    body.extend(format!("--{boundary}--\r\n").into_bytes());
    let mut request = app
        .agent()
        .post(format!("{}/graphql", app.base))
        .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
        .header("GraphQL-Require-Preflight", "1");
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let mut response = request.send(&body[..]).expect("request");
    let status = response.status().as_u16();
    (status, response.body_mut().read_json().unwrap_or(Value::Null))
}

fn clusters(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM cluster")
}

#[test]
fn importing_the_same_file_twice_creates_nothing_new() {
    let app = TestApp::spawn();
    let (_, token) = partner(&app);
    let file = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/import/clusters.csv")).expect("example");
    let before = clusters(&app);
    let (status, first) = upload(&app, Some(&token), IMPORT, json!({}), &[("clusters.csv", &file)]);
    assert_eq!(status, 200, "{first}");
    let report = &first["data"]["importClusters"];
    assert_eq!(
        (report["created"].as_u64(), report["committed"].as_bool()),
        (Some(2), Some(true)),
        "{first}"
    );
    assert_eq!(clusters(&app), before + 2);
    let (_, second) = upload(&app, Some(&token), IMPORT, json!({}), &[("clusters.csv", &file)]);
    let report = &second["data"]["importClusters"];
    assert_eq!(
        (
            report["created"].as_u64(),
            report["updated"].as_u64(),
            report["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(2)),
        "{second}"
    );
    assert_eq!(clusters(&app), before + 2, "nothing new the second time");
    // The same rows as JSON Lines, one changed: matched by external id, so one update.
    let lines = "{\"externalId\": \"CNFI-0001\", \"city\": \"Taichung City\"}\n{\"externalId\": \"CNFI-0002\"}\n";
    let (_, third) = upload(
        &app,
        Some(&token),
        IMPORT,
        json!({}),
        &[("clusters.jsonl", lines.as_bytes())],
    );
    let report = &third["data"]["importClusters"];
    assert_eq!(
        (report["updated"].as_u64(), report["unchanged"].as_u64()),
        (Some(1), Some(1)),
        "{third}"
    );
    let moved = "SELECT COUNT(*) FROM cluster WHERE external_id = 'CNFI-0001' AND city = 'Taichung City'";
    assert_eq!(app.count(moved), 1);
}

const BAD_FILE: &str = "externalId,name,kind,country,membersTotal,ecosystems
OK-1,Good Cluster,CLUSTER_ORGANISATION,TW,10,DIGITAL
BAD-2,,CLUSTER_ORGANISATION,TW,10,
BAD-3,Odd Kind,SPACESHIP,TW,ten,
OK-1,Repeated Id,CLUSTER_ORGANISATION,TW,1,
BAD-5,German Cluster,CLUSTER_ORGANISATION,DE,1,
";

#[test]
fn bad_rows_are_named_and_all_or_nothing_writes_nothing() {
    let app = TestApp::spawn();
    let (_, token) = partner(&app);
    let before = clusters(&app);
    let (_, reply) = upload(
        &app,
        Some(&token),
        IMPORT,
        json!({}),
        &[("bad.csv", BAD_FILE.as_bytes())],
    );
    let report = &reply["data"]["importClusters"];
    assert_eq!(report["committed"], false, "{reply}");
    assert_eq!(report["rejected"], 4, "{reply}");
    let rejections = report["rejections"].as_array().expect("rejections");
    let rows: Vec<u64> = rejections.iter().filter_map(|r| r["row"].as_u64()).collect();
    assert_eq!(rows, vec![2, 3, 4, 5], "{reply}");
    let reason = |row: usize| rejections[row]["reason"].as_str().unwrap_or_default().to_owned();
    assert!(reason(0).starts_with("name:"), "{}", reason(0));
    assert!(
        reason(1).contains("kind:") && reason(1).contains("membersTotal:"),
        "{}",
        reason(1)
    );
    assert!(reason(2).contains("earlier row"), "{}", reason(2));
    assert!(
        reason(3).contains("may not"),
        "a TW partner registers no DE cluster: {}",
        reason(3)
    );
    assert_eq!(clusters(&app), before, "all or nothing wrote nothing");

    let (_, reply) = upload(
        &app,
        Some(&token),
        IMPORT,
        json!({ "mode": "ROW_BY_ROW" }),
        &[("bad.csv", BAD_FILE.as_bytes())],
    );
    let report = &reply["data"]["importClusters"];
    assert_eq!(
        (report["created"].as_u64(), report["rejected"].as_u64()),
        (Some(1), Some(4)),
        "{reply}"
    );
    assert_eq!(report["committed"], true);
    assert_eq!(clusters(&app), before + 1, "row by row wrote the good row");
}

/// A batch whose multi-row INSERT the database refuses (here for a unique index the test adds on
/// cluster names, which the import's own checks do not know of) is written again one row at a
/// time: the row at fault is rejected with its number and the good rows of its batch are kept.
#[test]
fn a_batch_the_database_refuses_is_written_again_row_by_row() {
    let app = TestApp::spawn();
    let (_, token) = partner(&app);
    app.sql("CREATE UNIQUE INDEX test_unique_cluster_name ON cluster (name)");
    let file = "externalId,name,country\nF-1,First Fresh Cluster,TW\nF-2,Twice Named,TW\nF-3,Twice Named,TW\nF-4,Last Fresh Cluster,TW\n";
    let before = clusters(&app);
    let (_, reply) = upload(&app, Some(&token), IMPORT, json!({}), &[("twice.csv", file.as_bytes())]);
    let report = &reply["data"]["importClusters"];
    assert_eq!(
        (report["rejected"].as_u64(), report["committed"].as_bool()),
        (Some(1), Some(false)),
        "{reply}"
    );
    assert_eq!(clusters(&app), before, "all or nothing wrote nothing");
    let (_, reply) = upload(
        &app,
        Some(&token),
        IMPORT,
        json!({ "mode": "ROW_BY_ROW" }),
        &[("twice.csv", file.as_bytes())],
    );
    let report = &reply["data"]["importClusters"];
    assert_eq!(
        (report["created"].as_u64(), report["rejected"].as_u64()),
        (Some(3), Some(1)),
        "{reply}"
    );
    assert_eq!(report["rejections"][0]["row"], 3, "{reply}");
    assert_eq!(report["rejections"][0]["externalId"], "F-3", "{reply}");
    assert_eq!(
        clusters(&app),
        before + 3,
        "the good rows of the refused batch were written"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE entity_id IN (SELECT id FROM cluster WHERE external_id LIKE 'F-%')"
        ),
        3,
        "one audit entry a written row, none for the refused one"
    );
}

#[test]
fn uploads_over_the_limits_and_callers_without_the_right_are_refused() {
    let app = TestApp::with_settings(EndpointSettings {
        upload_max_bytes: 2_000,
        upload_max_files: 1,
        ..EndpointSettings::default()
    });
    let (partner_id, token) = partner(&app);
    let big = format!("externalId,name\n{}", "X-1,Name\n".repeat(400));
    let (status, reply) = upload(&app, Some(&token), IMPORT, json!({}), &[("big.csv", big.as_bytes())]);
    assert_eq!(
        (status, reply["errors"][0]["extensions"]["code"].as_str()),
        (413, Some("PAYLOAD_TOO_LARGE"))
    );
    let two = "mutation($files: [Upload!]!) { __typename }";
    let small: &[u8] = b"externalId\nA\n";
    let (status, reply) = upload(
        &app,
        Some(&token),
        two,
        json!({}),
        &[("a.csv", small), ("b.csv", small)],
    );
    assert_eq!(
        (status, reply["errors"][0]["extensions"]["code"].as_str()),
        (400, Some("TOO_MANY_FILES"))
    );
    // A signed-in user who is not the partner's may not import for it.
    let user = TestApp::token(Role::User);
    let variables = json!({ "p": partner_id });
    let query = "mutation($file: Upload!, $p: ID) { importClusters(file: $file, partnerOrganisationId: $p) { rows } }";
    let (_, reply) = upload(&app, Some(&user), query, variables, &[("a.csv", small)]);
    assert_eq!(reply["errors"][0]["extensions"]["code"], "FORBIDDEN", "{reply}");
    let (_, reply) = upload(&app, None, IMPORT, json!({}), &[("a.csv", small)]);
    assert_eq!(reply["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{reply}");
    // A header the import does not know is refused as a whole, naming the column.
    let (_, reply) = upload(
        &app,
        Some(&token),
        IMPORT,
        json!({}),
        &[("c.csv", b"externalId,colour\nA,red\n")],
    );
    assert_eq!(reply["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{reply}");
    assert!(reply["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("colour"));
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// A generated registry of `rows` rows (CSV, `;`), ids `{prefix}-0` …, in a file of its own.
fn registry_file(rows: usize, prefix: &str) -> std::path::PathBuf {
    use std::io::Write;
    let path = std::env::temp_dir().join(format!("import-{prefix}-{}.csv", uuid::Uuid::now_v7().simple()));
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create the file"));
    writeln!(
        file,
        "externalId;name;kind;country;membersTotal;membersSme;ecosystems;technologies"
    )
    .expect("write");
    for i in 0..rows {
        writeln!(
            file,
            "{prefix}-{i};{prefix} generated cluster {i};CLUSTER_ORGANISATION;TW;{};{};DIGITAL|HEALTH;robots|sensors",
            20 + i % 50,
            i % 20
        )
        .expect("write");
    }
    file.flush().expect("flush");
    path
}

/// What one `clusterbridge import` run printed, its peak RSS (VmHWM), the peak of its
/// anonymous memory (RssAnon, polled: the heap) and its seconds.
struct ImportRun {
    out: String,
    peak_kib: u64,
    peak_anon_kib: u64,
    seconds: f64,
}

/// Runs `clusterbridge import FILE --partner-organisation ID --mode row-by-row`.
fn import_file(url: &str, partner: &str, path: &std::path::Path) -> ImportRun {
    let started = std::time::Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_clusterbridge"))
        .args([
            "import",
            path.to_str().expect("path"),
            "--partner-organisation",
            partner,
        ])
        .args(["--mode", "row-by-row"])
        .env("DATABASE_URL", url)
        .env_remove("JWT_SECRET")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run clusterbridge import");
    let (mut peak, mut peak_anon) = (0, 0);
    while child.try_wait().expect("state").is_none() {
        peak = peak.max(peak_rss_kib(child.id()).unwrap_or(0));
        peak_anon = peak_anon.max(status_kib(child.id(), "RssAnon").unwrap_or(0));
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    ImportRun {
        out: String::from_utf8_lossy(&out.stdout).into_owned(),
        peak_kib: peak,
        peak_anon_kib: peak_anon,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// Issue 18 point 1: 100,000 rows in bounded memory, and the same file again writes nothing.
/// The bound: each 100,000-row run's heap (peak RssAnon) within 32 MiB of the 5,000-row run's,
/// figures in the README. An import that kept its rows (a profile, a model and a report line
/// each: well over 1 KiB a row) would need 100 MiB more. VmHWM is printed but not bounded: on
/// SQLite it counts the pages of the memory-mapped database file the run touched (RssFile, the
/// kernel's reclaimable page cache), which grow with the file: the re-run reads every profile.
#[test]
fn a_100_000_row_import_runs_in_bounded_memory_and_a_rerun_writes_nothing() {
    let app = TestApp::spawn();
    let (partner_id, _) = partner(&app);
    let partner = uuid_of(&partner_id).to_string();
    let url = app.database_url();
    let short_file = registry_file(5_000, "short");
    let short = import_file(url, &partner, &short_file);
    let _ = std::fs::remove_file(&short_file);
    assert!(short.out.contains("rows 5000 created 5000"), "{}", short.out);
    let long_file = registry_file(100_000, "long");
    let long = import_file(url, &partner, &long_file);
    assert!(
        long.out
            .contains("rows 100000 created 100000 updated 0 unchanged 0 rejected 0"),
        "{}",
        long.out
    );
    let written = |app: &TestApp| {
        [
            "SELECT COUNT(*) FROM cluster",
            "SELECT COUNT(*) FROM cluster_search",
            "SELECT COUNT(*) FROM cluster_ecosystem",
            "SELECT COUNT(*) FROM audit_log",
            "SELECT COUNT(*) FROM record_change",
            "SELECT COALESCE(SUM(version), 0) FROM cluster WHERE external_id LIKE 'long-%'",
        ]
        .map(|sql| app.count(sql))
    };
    let after_long = written(&app);
    let again = import_file(url, &partner, &long_file);
    let _ = std::fs::remove_file(&long_file);
    assert!(
        again
            .out
            .contains("rows 100000 created 0 updated 0 unchanged 100000 rejected 0"),
        "{}",
        again.out
    );
    assert_eq!(written(&app), after_long, "the re-run wrote nothing");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM cluster WHERE external_id LIKE 'long-%'"),
        100_000
    );
    for (label, run, rows) in [
        ("5,000 rows", &short, 5_000.0),
        ("100,000 rows", &long, 100_000.0),
        ("100,000 rows again", &again, 100_000.0),
    ] {
        eprintln!(
            "import {label}: {:.1} s, {:.0} rows/s, peak RSS (VmHWM) {} KiB, peak RssAnon {} KiB",
            run.seconds,
            rows / run.seconds,
            run.peak_kib,
            run.peak_anon_kib
        );
    }
    assert!(short.peak_anon_kib > 0 && long.peak_anon_kib > 0, "RssAnon was read");
    assert!(
        long.peak_anon_kib.max(again.peak_anon_kib) < short.peak_anon_kib + 32 * 1024,
        "twenty times the rows, heap peaks {} and {} KiB against {} KiB",
        long.peak_anon_kib,
        again.peak_anon_kib,
        short.peak_anon_kib
    );
}

fn export(app: &TestApp, path: &str, token: Option<&str>) -> (u16, String, ureq::http::HeaderMap) {
    let mut request = app.agent().get(format!("{}{path}", app.base));
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let mut response = request.call().expect("request");
    let headers = response.headers().clone();
    let status = response.status().as_u16();
    (
        status,
        response.body_mut().read_to_string().unwrap_or_default(),
        headers,
    )
}

fn published_total(app: &TestApp, filter: &str) -> u64 {
    let reply = app.query(&format!("{{ clusters(filter: {filter}) {{ totalCount }} }}"), json!({}));
    reply.data()["clusters"]["totalCount"].as_u64().expect("totalCount")
}

#[test]
fn exports_parse_back_in_three_formats_with_the_licence() {
    let app = TestApp::spawn();
    let total = published_total(&app, "{}");
    let (status, csv_text, headers) = export(&app, "/export/clusters.csv", None);
    assert_eq!(status, 200);
    assert_eq!(
        headers.get("x-licence").and_then(|v| v.to_str().ok()),
        Some("CC-BY-4.0")
    );
    assert!(
        csv_text.starts_with("# Licence: CC-BY-4.0. Exported at "),
        "{}",
        &csv_text[..80]
    );
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(csv_text.as_bytes());
    let header = reader.headers().expect("header").clone();
    assert!(header.iter().any(|h| h == "ecosystems") && !header.iter().any(|h| h == "contactEmail"));
    let records: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("records");
    assert_eq!(records.len() as u64, total);

    let (_, json_text, _) = export(&app, "/export/clusters.json", None);
    let envelope: Value = serde_json::from_str(&json_text).expect("JSON");
    assert_eq!(envelope["licence"], "CC-BY-4.0");
    assert!(envelope["exportedAt"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert_eq!(envelope["clusters"].as_array().map(Vec::len), Some(total as usize));

    let (_, lines, _) = export(&app, "/export/clusters.jsonl", None);
    let mut lines = lines
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("a JSON line"));
    let head = lines.next().expect("the first line");
    assert_eq!(
        (head["licence"].as_str(), head["kind"].as_str()),
        (Some("CC-BY-4.0"), Some("clusters"))
    );
    assert_eq!(lines.count() as u64, total);

    // The filters of clusters(filter:), as parameters.
    let tw = published_total(&app, r#"{countries: ["TW"], ecosystems: [DIGITAL]}"#);
    let (_, filtered, _) = export(&app, "/export/clusters.json?countries=TW&ecosystems=DIGITAL", None);
    let filtered: Value = serde_json::from_str(&filtered).expect("JSON");
    assert_eq!(filtered["clusters"].as_array().map(Vec::len), Some(tw as usize));
    let (status, bad, _) = export(&app, "/export/clusters.csv?countries=Narnia&colour=red", None);
    let bad: Value = serde_json::from_str(&bad).expect("a JSON refusal");
    assert_eq!(
        (status, bad["errors"][0]["extensions"]["code"].as_str()),
        (400, Some("BAD_USER_INPUT"))
    );
    assert!(bad["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("colour"));

    // Contact details for those who may see them; an administrator also sees drafts.
    let (_, admin_json, _) = export(&app, "/export/clusters.json", TestApp::admin().as_deref());
    let admin_json: Value = serde_json::from_str(&admin_json).expect("JSON");
    let first = &admin_json["clusters"][0];
    assert!(first.get("contactEmail").is_some(), "{first}");
    assert!(envelope["clusters"][0].get("contactEmail").is_none());

    for kind in ["partnerships", "successStories", "events"] {
        let (status, text, _) = export(&app, &format!("/export/{kind}.json"), None);
        assert_eq!(status, 200, "{kind}: {text}");
        let envelope: Value = serde_json::from_str(&text).expect("JSON");
        assert!(envelope[kind].is_array(), "{kind}: {envelope}");
    }
    let (status, _, _) = export(&app, "/export/members.csv", None);
    assert_eq!(status, 404);
}

#[test]
fn the_command_line_exports_what_the_endpoint_does() {
    let app = TestApp::spawn();
    let out = std::env::temp_dir().join(format!("export-{}.jsonl", uuid::Uuid::now_v7().simple()));
    let run = clusterbridge(
        &[
            "export",
            "clusters",
            "--format",
            "jsonl",
            "--out",
            out.to_str().expect("path"),
        ],
        &[("DATABASE_URL", app.database_url()), ("EXPORT_LICENCE", "ODbL-1.0")],
    );
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let text = std::fs::read_to_string(&out).expect("the export");
    let _ = std::fs::remove_file(&out);
    let head: Value = serde_json::from_str(text.lines().next().expect("a line")).expect("JSON");
    assert_eq!(head["licence"], "ODbL-1.0");
    assert_eq!(text.lines().count() as u64 - 1, published_total(&app, "{}"));
}

/// A field of /proc/PID/status in KiB (`RssAnon`: the heap and other anonymous memory; `RssFile`
/// would add memory-mapped SQLite pages, which the kernel reclaims and the server does not own).
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Exports all clusters as JSON Lines from a server process of its own over a generated
/// directory of `clusters`, reading 16 KiB at a time with a pause between reads (a slow client:
/// a server that read ahead of it would buffer the export), while a thread polls the server's
/// RssAnon. Returns the records, the bytes and the RssAnon growth (peak during the export
/// minus before it, after two warming exports) in KiB.
fn export_growth(clusters: usize) -> (usize, usize, u64) {
    use std::io::Read;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let app = TestApp::generated(clusters, Default::default());
    let server = Process::serve(&app, &[("RATE_LIMIT", "off")]);
    let pid = server.pid();
    // Two exports first warm what any export allocates once, however long: the pool's
    // connections, their statement caches and the pages of the first records.
    for _ in 0..2 {
        let (status, _, _) = server.get("/export/clusters.jsonl", None);
        assert_eq!(status, 200);
    }
    let before = status_kib(pid, "RssAnon").expect("RssAnon");
    let peak = std::sync::Arc::new(AtomicU64::new(before));
    let done = std::sync::Arc::new(AtomicBool::new(false));
    let poller = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(status_kib(pid, "RssAnon").unwrap_or(0), Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        })
    };
    let mut response = server
        .agent
        .get(format!("{}/export/clusters.jsonl", server.base))
        .call()
        .expect("export");
    assert_eq!(response.status().as_u16(), 200);
    let mut reader = response.body_mut().as_reader();
    let (mut bytes, mut lines, mut buf) = (0, 0, vec![0u8; 16 * 1024]);
    loop {
        let n = reader.read(&mut buf).expect("read the export");
        if n == 0 {
            break;
        }
        bytes += n;
        lines += buf[..n].iter().filter(|b| **b == b'\n').count();
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    done.store(true, Ordering::Relaxed);
    poller.join().expect("poller");
    // The first line is the licence's.
    (lines - 1, bytes, peak.load(Ordering::Relaxed).saturating_sub(before))
}

/// Issue 18 point 2: the export's heap does not grow with the directory. Four times the
/// clusters (and bytes) must not cost the server noticeably more anonymous memory. A server that
/// held the rows (models and JSON values take several times their bytes), or read ahead of the
/// slow client into a buffer, would grow by several times the extra output; the bound allows
/// twice it, for the noise of a shared machine (a few MiB between runs).
#[test]
fn an_export_runs_in_constant_memory_for_a_slow_client() {
    let (short_records, short_bytes, short_growth) = export_growth(1_000);
    let (long_records, long_bytes, long_growth) = export_growth(4_000);
    eprintln!(
        "RssAnon growth: {short_records} clusters ({short_bytes} bytes) {short_growth} KiB, \
         {long_records} clusters ({long_bytes} bytes) {long_growth} KiB"
    );
    assert!(
        long_records >= 3 * short_records && short_records > 500,
        "{short_records} {long_records}"
    );
    let extra_kib = ((long_bytes - short_bytes) / 1024) as u64;
    assert!(
        long_growth < short_growth + 2 * extra_kib,
        "the export of {long_records} clusters grew the heap by {long_growth} KiB, of \
         {short_records} by {short_growth} KiB; the extra {extra_kib} KiB of output were held"
    );
}
