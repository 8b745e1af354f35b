//! Signed webhooks (issue 18.3) through the real endpoint, the real `send-webhooks` command and a
//! receiver on loopback: the signature checked by the reference `standardwebhooks` package,
//! redelivery with the same `webhook-id`, rotation with two signatures, a failing receiver
//! retried then disabled with its partners mailed, private addresses refused at registration
//! and at delivery, redirects not followed, events only for what the owner may see, and who may
//! manage endpoints; and the `serve` process delivering in the background.

mod receiver;

use std::{io::Write, process::Stdio, time::Duration};

use clusterbridge::{
    auth::Role,
    http::EndpointSettings,
    webhook::{AddressRules, WebhookRules},
};
use serde_json::{json, Value};

use self::receiver::{Received, Receiver};
use crate::{cli::clusterbridge, clusters::new_cluster, support::TestApp};

const CREATE: &str = r#"mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) {
    secret webhookEndpoint { id version status eventTypes url } } }"#;
const ENDPOINT: &str = r#"query($org: ID!) { webhookEndpoints(partnerOrganisationId: $org) {
    id version status failingSince
    deliveries(first: 10) { totalCount nodes { id webhookId status attempts responseCode lastError eventType payload } } } }"#;
const CREATE_CLUSTER: &str = "mutation($i: CreateClusterInput!) { createCluster(input: $i) { cluster { id } } }";

/// A server whose webhook URLs may be plain HTTP on loopback, as the receiver is.
fn app() -> TestApp {
    TestApp::with_settings(EndpointSettings {
        webhooks: WebhookRules {
            addresses: AddressRules {
                allow_http: true,
                allow_private: true,
            },
            ..WebhookRules::default()
        },
        ..EndpointSettings::default()
    })
}

/// CNFI's global ID (the demo's partner organisation for TW).
fn cnfi(app: &TestApp) -> String {
    let reply = app.query(
        "{ partnerOrganisations(first: 10) { nodes { id acronym } } }",
        json!({}),
    );
    let nodes = reply.data()["partnerOrganisations"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    nodes
        .iter()
        .find(|n| n["acronym"] == "CNFI")
        .and_then(|n| n["id"].as_str())
        .expect("CNFI in the demo data")
        .to_owned()
}

fn partner_of(org: &str) -> String {
    TestApp::scoped_token(Role::Partner, &["TW"], &[], &[org])
}

/// Registers an endpoint at `url` for `types`; its (id, version, secret).
fn register(app: &TestApp, token: &str, org: &str, url: &str, types: &[&str]) -> (String, i64, String) {
    let reply = app.post(
        Some(token),
        CREATE,
        json!({ "i": { "partnerOrganisationId": org, "url": url, "eventTypes": types, "description": "test" } }),
    );
    let created = &reply.data()["createWebhookEndpoint"];
    let id = created["webhookEndpoint"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{}", reply.body));
    let secret = created["secret"].as_str().expect("a secret").to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");
    (
        id.to_owned(),
        created["webhookEndpoint"]["version"].as_i64().expect("version"),
        secret,
    )
}

/// Runs `clusterbridge send-webhooks --once` with loopback allowed unless `env` says otherwise.
fn send_once(app: &TestApp, env: &[(&str, &str)]) -> String {
    let mut all = vec![
        ("DATABASE_URL", app.database_url()),
        ("WEBHOOK_ALLOW_HTTP", "true"),
        ("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", "true"),
        ("WEBHOOK_TIMEOUT", "5"),
    ];
    all.extend_from_slice(env);
    let out = clusterbridge(&["send-webhooks", "--once"], &all);
    assert!(
        out.status.success(),
        "send-webhooks: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8").trim().to_owned()
}

/// Whether the reference implementation accepts `request` as signed with `secret`.
fn verified(secret: &str, request: &Received) -> Result<(), String> {
    let installed = std::process::Command::new("scripts/install-python-tools").status();
    assert!(installed.is_ok_and(|s| s.success()), "install standardwebhooks");
    let mut child = std::process::Command::new("python3")
        .arg("tests/api/fixtures/verify_webhook.py")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run python3");
    let input = json!({ "secret": secret, "headers": request.headers, "body": request.body });
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.to_string().as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("python3 ends");
    let said = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if out.status.success() && said == "ok" {
        Ok(())
    } else {
        Err(said)
    }
}

fn endpoints(app: &TestApp, token: &str, org: &str) -> Vec<Value> {
    let reply = app.post(Some(token), ENDPOINT, json!({ "org": org }));
    reply.data()["webhookEndpoints"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("{}", reply.body))
}

fn make_cluster(app: &TestApp, token: &str, name: &str, country: &str) -> String {
    let mut input = new_cluster(name);
    input["country"] = json!(country);
    let reply = app.post(Some(token), CREATE_CLUSTER, json!({ "i": input }));
    reply.data()["createCluster"]["cluster"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{}", reply.body))
        .to_owned()
}

#[test]
fn a_delivery_is_signed_so_the_reference_implementation_verifies_it_and_redelivery_and_rotation_work() {
    let app = app();
    let org = cnfi(&app);
    let partner = partner_of(&org);
    let receiver = Receiver::answering(200);
    let (endpoint, version, secret) = register(&app, &partner, &org, &receiver.url("/hooks"), &["CLUSTER_CREATED"]);
    let cluster = make_cluster(&app, &partner, "Webhook Signed Cluster", "TW");
    assert_eq!(send_once(&app, &[]), "sent 1 retrying 0 failed 0 disabled 0");

    let got = receiver.requests();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].path, "/hooks");
    verified(&secret, &got[0]).expect("standardwebhooks verifies the signature");
    let body: Value = serde_json::from_str(&got[0].body).expect("a JSON body");
    assert_eq!(body["type"], "cluster.created");
    assert_eq!(body["data"]["id"], cluster.as_str());
    assert!(body["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')), "{body}");
    // A tampered body fails the same check: the verification is not vacuous.
    let mut tampered = got[0].clone();
    tampered.body = tampered.body.replace("cluster.created", "cluster.deleted");
    assert!(verified(&secret, &tampered).is_err());

    let listed = endpoints(&app, &partner, &org);
    let delivery = &listed[0]["deliveries"]["nodes"][0];
    assert_eq!(delivery["status"], "SENT");
    assert_eq!(delivery["responseCode"], 200);
    assert_eq!(delivery["attempts"], 1);
    assert_eq!(delivery["eventType"], "CLUSTER_CREATED");
    assert_eq!(
        got[0].headers["webhook-id"],
        delivery["webhookId"].as_str().expect("webhookId")
    );

    // Redelivery: queued again, sent again with the same webhook-id.
    let redeliver = "mutation($d: ID!) { redeliverWebhook(input: {deliveryId: $d}) { delivery { status attempts } } }";
    let reply = app.post(Some(&partner), redeliver, json!({ "d": delivery["id"] }));
    assert_eq!(
        reply.data()["redeliverWebhook"]["delivery"],
        json!({ "status": "QUEUED", "attempts": 0 })
    );
    assert_eq!(send_once(&app, &[]), "sent 1 retrying 0 failed 0 disabled 0");
    let got = receiver.requests();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].headers["webhook-id"], got[0].headers["webhook-id"]);
    verified(&secret, &got[1]).expect("the redelivery verifies");

    // Rotation: the new secret is shown once; for the grace period both sign.
    let rotate = "mutation($id: ID!, $v: Int!) { rotateWebhookSecret(input: {id: $id, version: $v}) { secret webhookEndpoint { version previousSecretExpiresAt } } }";
    let reply = app.post(Some(&partner), rotate, json!({ "id": endpoint, "v": version }));
    let rotated = &reply.data()["rotateWebhookSecret"];
    let new_secret = rotated["secret"].as_str().expect("a new secret").to_owned();
    assert_ne!(new_secret, secret);
    assert!(rotated["webhookEndpoint"]["previousSecretExpiresAt"].is_string());
    let stale = app.post(Some(&partner), rotate, json!({ "id": endpoint, "v": version }));
    assert_eq!(stale.code(), "CONFLICT");
    make_cluster(&app, &partner, "Webhook Rotated Cluster", "TW");
    send_once(&app, &[]);
    let got = receiver.requests();
    let last = got.last().expect("a third request");
    assert_eq!(last.headers["webhook-signature"].split(' ').count(), 2, "{last:?}");
    verified(&new_secret, last).expect("the new secret verifies");
    verified(&secret, last).expect("the old secret still verifies during the grace period");
}

#[test]
fn a_failing_receiver_is_retried_with_backoff_then_disabled_and_its_partners_mailed() {
    let app = app();
    let org = cnfi(&app);
    let partner = partner_of(&org);
    let receiver = Receiver::answering(500);
    register(&app, &partner, &org, &receiver.url("/down"), &["CLUSTER_CREATED"]);
    make_cluster(&app, &partner, "Webhook Failing Cluster", "TW");
    let fast = [
        ("WEBHOOK_RETRY_BASE_MS", "200"),
        ("WEBHOOK_RETRY_FACTOR", "1"),
        ("WEBHOOK_MAX_ATTEMPTS", "20"),
        ("WEBHOOK_DISABLE_AFTER", "1"),
    ];
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut disabled = false;
    while !disabled && std::time::Instant::now() < deadline {
        disabled = send_once(&app, &fast).ends_with("disabled 1");
        std::thread::sleep(Duration::from_millis(150));
    }
    assert!(disabled, "the endpoint was disabled in time");
    let attempts = receiver.requests().len();
    assert!(attempts >= 2, "retried before it was disabled: {attempts} attempts");
    let listed = endpoints(&app, &partner, &org);
    assert_eq!(listed[0]["status"], "DISABLED");
    let delivery = &listed[0]["deliveries"]["nodes"][0];
    assert_eq!(delivery["status"], "FAILED");
    assert_eq!(delivery["responseCode"], 500);
    assert_eq!(delivery["attempts"].as_i64(), Some(attempts as i64));
    assert!(
        delivery["lastError"].as_str().is_some_and(|e| e.contains("500")),
        "{delivery}"
    );
    // CNFI's partner account is mailed through the outbox.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_mail WHERE purpose = 'WEBHOOK_DISABLED' AND recipient = 'partner@cnfi.example.tw'"),
        1
    );
    // Nothing more goes to a disabled endpoint, and a redelivery waits for it to be enabled.
    make_cluster(&app, &partner, "Webhook After Disable", "TW");
    assert_eq!(send_once(&app, &fast), "sent 0 retrying 0 failed 0 disabled 0");
    let redeliver = "mutation($d: ID!) { redeliverWebhook(input: {deliveryId: $d}) { delivery { status } } }";
    let refused = app.post(Some(&partner), redeliver, json!({ "d": delivery["id"] }));
    assert_eq!(refused.code(), "TRANSITION_NOT_ALLOWED");
}

#[test]
fn private_addresses_are_refused_at_registration_and_at_delivery() {
    // Plain HTTP allowed, private addresses not: the defaults but for the scheme.
    let strict = TestApp::with_settings(EndpointSettings {
        webhooks: WebhookRules {
            addresses: AddressRules {
                allow_http: true,
                allow_private: false,
            },
            ..WebhookRules::default()
        },
        ..EndpointSettings::default()
    });
    let org = cnfi(&strict);
    let partner = partner_of(&org);
    for url in [
        "http://127.0.0.1:9/x",
        "http://localhost:9/x",
        "http://[::1]:9/x",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.8/x",
        "http://user:pw@hooks.example.com/x",
        "ftp://hooks.example.com/x",
    ] {
        let reply = strict.post(
            Some(&partner),
            CREATE,
            json!({ "i": { "partnerOrganisationId": org, "url": url, "eventTypes": ["CLUSTER_CREATED"] } }),
        );
        assert_eq!(reply.code(), "BAD_USER_INPUT", "{url}: {}", reply.body);
        assert_eq!(reply.bad_fields(), ["url"], "{url}");
    }

    // Registered while allowed (a development server), refused by a sender that does not allow
    // them: a literal loopback address, and `localhost`, which resolves to it.
    let app = app();
    let org = cnfi(&app);
    let partner = partner_of(&org);
    let receiver = Receiver::answering(200);
    let by_name = format!("http://localhost:{}/by-name", receiver.port);
    register(&app, &partner, &org, &receiver.url("/literal"), &["CLUSTER_CREATED"]);
    register(&app, &partner, &org, &by_name, &["CLUSTER_CREATED"]);
    make_cluster(&app, &partner, "Webhook Private Cluster", "TW");
    let summary = send_once(&app, &[("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", "false")]);
    assert_eq!(summary, "sent 0 retrying 0 failed 2 disabled 0");
    assert!(receiver.requests().is_empty(), "nothing reached the receiver");
    for endpoint in endpoints(&app, &partner, &org) {
        let delivery = &endpoint["deliveries"]["nodes"][0];
        assert_eq!(delivery["status"], "FAILED");
        assert!(
            delivery["lastError"].as_str().is_some_and(|e| e.contains("refused")),
            "{delivery}"
        );
    }
}

#[test]
fn redirects_are_not_followed() {
    let app = app();
    let org = cnfi(&app);
    let partner = partner_of(&org);
    let receiver = Receiver::answering(302);
    register(&app, &partner, &org, &receiver.url("/moved"), &["CLUSTER_CREATED"]);
    make_cluster(&app, &partner, "Webhook Redirected Cluster", "TW");
    assert_eq!(
        send_once(&app, &[("WEBHOOK_RETRY_BASE_MS", "60000")]),
        "sent 0 retrying 1 failed 0 disabled 0"
    );
    let got = receiver.requests();
    assert_eq!(got.len(), 1, "one request, to /moved only: {got:?}");
    assert_eq!(got[0].path, "/moved");
    let delivery = &endpoints(&app, &partner, &org)[0]["deliveries"]["nodes"][0];
    assert_eq!(delivery["status"], "QUEUED");
    assert_eq!(delivery["responseCode"], 302);
    assert!(delivery["lastError"]
        .as_str()
        .is_some_and(|e| e.contains("redirects are not followed")));
}

#[test]
fn events_reach_only_endpoints_whose_owner_may_see_the_record() {
    let app = app();
    let org = cnfi(&app);
    let partner = partner_of(&org);
    let receiver = Receiver::answering(200);
    register(
        &app,
        &partner,
        &org,
        &receiver.url("/tw"),
        &["CLUSTER_CREATED", "CLUSTER_UPDATED"],
    );
    // A German draft: CNFI's partners (TW) may not see it, so its endpoint is not told.
    make_cluster(&app, &TestApp::token(Role::Admin), "German Draft Cluster", "DE");
    // A Taiwanese draft is CNFI's to see.
    let ours = make_cluster(&app, &TestApp::token(Role::Admin), "Taiwan Draft Cluster", "TW");
    assert_eq!(send_once(&app, &[]), "sent 1 retrying 0 failed 0 disabled 0");
    let got = receiver.requests();
    let body: Value = serde_json::from_str(&got[0].body).expect("JSON");
    assert_eq!(body["data"]["id"], ours.as_str());
    assert_eq!(body["data"]["country"], "TW");
    // Event types the endpoint does not follow are not sent.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM webhook_delivery WHERE event_type <> 'CLUSTER_CREATED'"),
        0
    );
}

#[test]
fn only_the_partner_organisations_partners_and_administrators_manage_its_endpoints() {
    let app = app();
    let org = cnfi(&app);
    let receiver = Receiver::answering(200);
    let partner = partner_of(&org);
    let (endpoint, _, _) = register(&app, &partner, &org, &receiver.url("/m"), &["POST_PUBLISHED"]);
    let admin = TestApp::token(Role::Admin);
    let other_partner = TestApp::scoped_token(Role::Partner, &["TW"], &[], &[]);
    let strangers: [(Option<&str>, &str); 4] = [
        (None, "UNAUTHENTICATED"),
        (Some(&TestApp::token(Role::User)), "FORBIDDEN"),
        (Some(&TestApp::token(Role::ClusterManager)), "FORBIDDEN"),
        (Some(&other_partner), "FORBIDDEN"),
    ];
    let create =
        json!({ "i": { "partnerOrganisationId": org, "url": receiver.url("/x"), "eventTypes": ["POST_PUBLISHED"] } });
    let list = "query($org: ID!) { webhookEndpoints(partnerOrganisationId: $org) { id } }";
    let update = "mutation($id: ID!) { updateWebhookEndpoint(input: {id: $id, version: 1, description: \"x\"}) { webhookEndpoint { id } } }";
    let rotate = "mutation($id: ID!) { rotateWebhookSecret(input: {id: $id, version: 1}) { secret } }";
    let delete =
        "mutation($id: ID!) { deleteWebhookEndpoint(input: {id: $id, version: 1}) { deletedWebhookEndpointId } }";
    for (token, code) in strangers {
        assert_eq!(app.post(token, CREATE, create.clone()).code(), code, "create {code}");
        assert_eq!(app.post(token, list, json!({ "org": org })).code(), code, "list {code}");
        for mutation in [update, rotate, delete] {
            assert_eq!(
                app.post(token, mutation, json!({ "id": endpoint })).code(),
                code,
                "{mutation}"
            );
        }
    }
    // An administrator may, for any organisation; the partner may delete its own.
    let reply = app.post(Some(&admin), update, json!({ "id": endpoint }));
    assert!(
        reply.data()["updateWebhookEndpoint"]["webhookEndpoint"]["id"].is_string(),
        "{}",
        reply.body
    );
    let stale = app.post(Some(&partner), delete, json!({ "id": endpoint }));
    assert_eq!(stale.code(), "CONFLICT", "version 1 is stale after the update");
    let reply = app.post(
        Some(&partner),
        "mutation($id: ID!) { deleteWebhookEndpoint(input: {id: $id, version: 2}) { deletedWebhookEndpointId } }",
        json!({ "id": endpoint }),
    );
    assert_eq!(
        reply.data()["deleteWebhookEndpoint"]["deletedWebhookEndpointId"],
        endpoint.as_str()
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'WebhookEndpoint'"),
        3
    );
    // Input is checked: no event type, an unknown ID.
    let none = json!({ "i": { "partnerOrganisationId": org, "url": receiver.url("/x"), "eventTypes": [] } });
    assert_eq!(app.post(Some(&partner), CREATE, none).bad_fields(), ["eventTypes"]);
}

#[test]
fn the_server_delivers_in_the_background() {
    let app = app();
    let org = cnfi(&app);
    let partner = partner_of(&org);
    let receiver = Receiver::answering(200);
    let (_, _, secret) = register(&app, &partner, &org, &receiver.url("/live"), &["CLUSTER_CREATED"]);
    let _server = crate::support::Process::serve(
        &app,
        &[
            ("WEBHOOK_SEND_INTERVAL", "1"),
            ("WEBHOOK_ALLOW_HTTP", "true"),
            ("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", "true"),
        ],
    );
    make_cluster(&app, &partner, "Webhook Background Cluster", "TW");
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while receiver.requests().is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let got = receiver.requests();
    assert_eq!(got.len(), 1, "the serve process delivered the event");
    verified(&secret, &got[0]).expect("standardwebhooks verifies it");
}
