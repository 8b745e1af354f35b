//! The proxy topology of docker-compose.yml as processes on loopback: a fresh PostgreSQL
//! database, the one-shot `migrate` and demo `seed`, two `serve` replicas and Debian's nginx
//! running the repository's deploy/nginx/clusterbridge.conf.template (its placeholders filled
//! for loopback, as the image's envsubst fills them for compose). Everything goes through the
//! proxy: requests spread over both replicas, a subscription over WebSocket, the client's address
//! as the replicas see it, a replica going away.

mod harness;

use std::{
    io::{Read, Write},
    net::{SocketAddr, TcpStream},
    process::Command,
    time::{Duration, Instant},
};

use serde_json::{json, Value};

use self::harness::{free_port, nginx_binary, Database, Nginx};
use crate::{
    subscriptions::client::{Client, Incoming},
    support::Process,
};

const METRICS_TOKEN: &str = "topology-metrics-token";

/// `clusterbridge <args>` as a one-shot service runs it; panics unless it succeeds.
fn one_shot(database: &Database, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_clusterbridge"))
        .args(args)
        .env("DATABASE_URL", &database.url)
        .env("CLUSTERBRIDGE_ENV", "production")
        .env("LOG_FORMAT", "text")
        .env_remove("RUST_LOG")
        .envs(env.iter().copied())
        .output()
        .expect("run clusterbridge");
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "clusterbridge {args:?}: {log}");
    log
}

/// An HTTP/1.1 request from 127.0.0.2, a loopback address neither the proxy nor a replica
/// trusts: its status line.
fn from_another_address(to: &str, path_and_headers: &str) -> String {
    use socket2::{Domain, Socket, Type};
    let target: SocketAddr = to.trim_start_matches("http://").parse().expect("an address");
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("a socket");
    let source: SocketAddr = "127.0.0.2:0".parse().expect("an address");
    socket.bind(&source.into()).expect("bind 127.0.0.2");
    socket
        .connect_timeout(&target.into(), Duration::from_secs(5))
        .expect("connect");
    let mut stream: TcpStream = socket.into();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a timeout");
    let request = format!("GET {path_and_headers}\r\nHost: {target}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.lines().next().unwrap_or_default().to_owned()
}

/// The access-log line of the request with id `id`, from whichever replica served it.
fn access_line(replicas: &[&Process], id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        for replica in replicas {
            let lines = replica.log.lock().expect("log");
            let found = lines
                .iter()
                .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                .find(|l| l["span"]["request_id"] == id && !l["fields"]["client"].is_null());
            if let Some(line) = found {
                return line;
            }
        }
        assert!(Instant::now() < deadline, "an access line with request id {id}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// How many requests of operation `name` a replica's own /metrics has counted.
fn served(replica: &Process, name: &str) -> u64 {
    let (status, text, _) = replica.get("/metrics", Some(METRICS_TOKEN));
    assert_eq!(status, 200, "{text}");
    text.lines()
        .filter(|l| l.starts_with("http_requests_total{") && l.contains(&format!("operation=\"{name}\"")))
        .filter_map(|l| l.rsplit(' ').next().and_then(|n| n.parse::<f64>().ok()))
        .sum::<f64>() as u64
}

fn post(agent: &ureq::Agent, base: &str, token: Option<&str>, query: &str, variables: Value) -> Value {
    let mut request = agent.post(format!("{base}/graphql"));
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let mut response = request
        .send_json(json!({ "query": query, "variables": variables }))
        .expect("a request through the proxy");
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.body_mut().read_json().expect("JSON");
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

#[test]
fn two_replicas_behind_the_repositorys_nginx_share_the_load_a_subscription_and_the_clients_address() {
    let Some(database) = Database::create() else {
        return;
    };
    if nginx_binary().is_none() {
        eprintln!("SKIPPED: nginx is missing and scripts/install-test-tools could not install it");
        return;
    }
    // What compose's one-shot services do: migrate once, then the demo profile's seed, which a
    // second start finds done.
    one_shot(&database, &["migrate"], &[]);
    one_shot(
        &database,
        &["seed", "--if-empty"],
        &[("CLUSTERBRIDGE_ENV", "development")],
    );
    let again = one_shot(
        &database,
        &["seed", "--if-empty"],
        &[("CLUSTERBRIDGE_ENV", "development")],
    );
    assert!(again.contains("nothing to seed"), "{again}");

    let settings = [("TRUSTED_PROXIES", "127.0.0.1"), ("METRICS_TOKEN", METRICS_TOKEN)];
    let first = Process::serve_on(&database.url, &settings);
    let mut second = Process::serve_on(&database.url, &settings);
    let proxy = Nginx::start([&first, &second]);
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let get = |path: &str| {
        let mut response = agent.get(format!("{}{path}", proxy.base)).call().expect("a GET");
        (
            response.status().as_u16(),
            response.body_mut().read_to_string().unwrap_or_default(),
        )
    };
    assert_eq!(
        get("/readyz"),
        (200, "ready".to_owned()),
        "a replica's readiness, through the proxy"
    );
    assert_eq!(
        get("/metrics").0,
        404,
        "metrics are scraped per replica, not through the proxy"
    );

    // The container's HEALTHCHECK, on a replica and on a port nothing listens on.
    let health = |listen: &str| {
        Command::new(env!("CARGO_BIN_EXE_clusterbridge"))
            .arg("health")
            .env("LISTEN_ADDR", listen)
            .env("CLUSTERBRIDGE_ENV", "production")
            .output()
            .expect("run clusterbridge health")
    };
    let ok = health(first.base.trim_start_matches("http://"));
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let dead = health(&format!("127.0.0.1:{}", free_port()));
    assert_eq!(dead.status.code(), Some(1), "no server, unhealthy");

    // Round robin: both replicas serve, and between them every request.
    const SPREAD: u64 = 10;
    for _ in 0..SPREAD {
        let data = post(
            &agent,
            &proxy.base,
            None,
            "query TopologySpread { clusters(first: 1) { totalCount } }",
            json!({}),
        );
        assert!(
            data["clusters"]["totalCount"].as_i64() > Some(10),
            "the demo data: {data}"
        );
    }
    let (one, two) = (served(&first, "TopologySpread"), served(&second, "TopologySpread"));
    eprintln!("requests through the proxy: {one} on the first replica, {two} on the second");
    assert!(one > 0 && two > 0, "both replicas serve: {one} and {two}");
    assert_eq!(one + two, SPREAD, "every request reached one replica");

    // The client's address: the proxy appends the peer it saw, the replica believes that from the
    // proxy (its peer is 127.0.0.1) and nothing the client wrote to the left, nor a Forwarded.
    let spoofed = "X-Forwarded-For: 203.0.113.7\r\nForwarded: for=198.51.100.1";
    let status = from_another_address(
        &proxy.base,
        &format!("/readyz HTTP/1.1\r\nX-Request-Id: topology-proxied\r\n{spoofed}"),
    );
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    let line = access_line(&[&first, &second], "topology-proxied");
    assert_eq!(line["fields"]["client"], "127.0.0.2", "{line}");
    // Straight to a replica from an address it does not trust, the same headers count for nothing.
    let status = from_another_address(
        &first.base,
        &format!("/readyz HTTP/1.1\r\nX-Request-Id: topology-direct\r\n{spoofed}"),
    );
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    assert_eq!(
        access_line(&[&first], "topology-direct")["fields"]["client"],
        "127.0.0.2"
    );
    // A request without an id gets the proxy's, in the proxy's log and the replica's alike.
    let mut response = agent.get(format!("{}/healthz", proxy.base)).call().expect("a GET");
    let id = response.headers()["x-request-id"].to_str().expect("an id").to_owned();
    let _ = response.body_mut().read_to_string();
    assert_eq!(id.len(), 32, "nginx's $request_id: {id}");
    access_line(&[&first, &second], &id);
    // nginx writes its line once the answer has gone out: a moment after the client has it.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !proxy.access_log().contains(&format!("id={id}")) {
        assert!(
            Instant::now() < deadline,
            "{id} in nginx's log:\n{}",
            proxy.access_log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // A subscription over WebSocket through the proxy hears a post a demo account publishes
    // through the proxy (whichever replicas nginx picks: LISTEN/NOTIFY joins them).
    let mut live = Client::try_connect_to(&proxy.base).expect("the WebSocket opens through the proxy");
    live.send(json!({ "type": "connection_init", "payload": {} }));
    match live.next() {
        Incoming::Message(m) if m["type"] == "connection_ack" => {}
        other => panic!("expected connection_ack, got {other:?}"),
    }
    live.subscribe("posts", "subscription { postPublished { title status } }", json!({}));
    crate::subscriptions::let_subscriptions_start();
    let (email, _, password) = clusterbridge::seed::DEMO_ACCOUNTS[0];
    let login = post(
        &agent,
        &proxy.base,
        None,
        "mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { accessToken } }",
        json!({ "e": email, "p": password }),
    );
    let admin = login["login"]["accessToken"]
        .as_str()
        .expect("the demo admin signs in")
        .to_owned();
    let tpca = post(
        &agent,
        &proxy.base,
        None,
        r#"{ clusterBySlug(slug: "tpca") { id } }"#,
        json!({}),
    );
    let created = post(
        &agent,
        &proxy.base,
        Some(&admin),
        crate::posts::CREATE_POST,
        json!({ "input": crate::posts::news(tpca["clusterBySlug"]["id"].as_str().expect("TPCA"), "Heard through the proxy") }),
    );
    let draft = &created["createPost"]["post"];
    post(
        &agent,
        &proxy.base,
        Some(&admin),
        crate::posts::PUBLISH_POST,
        json!({ "input": { "id": draft["id"], "version": draft["version"] } }),
    );
    let heard = live.next_for("posts");
    assert_eq!(
        heard["data"]["postPublished"],
        json!({ "title": "Heard through the proxy", "status": "PUBLISHED" }),
        "{heard}"
    );
    live.close();

    // A replica going away: the proxy sends everything to the other, and no client sees an error.
    second.terminate();
    assert!(
        second.exit_within(Duration::from_secs(15)).is_some(),
        "the replica stops"
    );
    let before = served(&first, "TopologyAfter");
    for _ in 0..6 {
        post(
            &agent,
            &proxy.base,
            None,
            "query TopologyAfter { __typename }",
            json!({}),
        );
    }
    assert_eq!(
        served(&first, "TopologyAfter") - before,
        6,
        "the remaining replica served them all"
    );
}
