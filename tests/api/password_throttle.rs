//! Password guessing is throttled per account and per client address (issue 13, point 3): after
//! 10 failures in 15 minutes an account answers RATE_LIMITED with Retry-After, whatever the
//! address, known or not; a success starts the count over; batches and aliases do not slip past;
//! old attempts are swept. Every field that checks a secret counts: login, changePassword,
//! exchangeApiKey.

use clusterbridge::{domain::throttle::ThrottleLimits, http::EndpointSettings, seed::DEMO_ACCOUNTS};
use serde_json::{json, Value};

use crate::support::TestApp;

const LOGIN: &str = r#"mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { accessToken } }"#;

struct Raw {
    status: u16,
    retry_after: Option<u64>,
    body: Value,
}

/// POSTs a JSON body (one operation or a batch) and keeps the status and Retry-After.
fn send(app: &TestApp, token: Option<&str>, body: Value) -> Raw {
    let mut request = app
        .agent()
        .post(format!("{}/graphql", app.base))
        .header("Content-Type", "application/json");
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let mut response = request.send(body.to_string()).expect("request");
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok()?.parse().ok());
    let status = response.status().as_u16();
    let body = serde_json::from_str(&response.body_mut().read_to_string().unwrap_or_default()).unwrap_or(Value::Null);
    Raw {
        status,
        retry_after,
        body,
    }
}

fn login(app: &TestApp, email: &str, password: &str) -> Raw {
    send(
        app,
        None,
        json!({ "query": LOGIN, "variables": { "e": email, "p": password } }),
    )
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"].as_str().unwrap_or("none")
}

/// A refusal by the throttle: 429, Retry-After within the window, and the same in the body.
fn assert_throttled(reply: &Raw) {
    assert_eq!(
        (reply.status, code(&reply.body)),
        (429, "RATE_LIMITED"),
        "{}",
        reply.body
    );
    let header = reply.retry_after.expect("a Retry-After header");
    assert!((1..=900).contains(&header), "{header}");
    assert_eq!(reply.body["errors"][0]["extensions"]["retryAfter"], json!(header));
}

#[test]
fn ten_failures_lock_an_account_known_or_not_whatever_the_address() {
    let app = TestApp::spawn();
    let (partner, _, password) = DEMO_ACCOUNTS[1];
    let unknown = "nobody@example.org";
    let mut messages = Vec::new();
    for _ in 0..10 {
        for email in [partner, unknown] {
            let failed = login(&app, email, "a wrong guess, again");
            assert_eq!(
                (failed.status, code(&failed.body)),
                (200, "UNAUTHENTICATED"),
                "{}",
                failed.body
            );
            messages.push(failed.body["errors"][0]["message"].clone());
        }
    }
    assert!(
        messages.windows(2).all(|w| w[0] == w[1]),
        "one answer for known and unknown accounts"
    );
    // The right password no longer helps, and an unknown account answers alike.
    assert_throttled(&login(&app, partner, password));
    assert_throttled(&login(&app, &partner.to_uppercase(), password));
    assert_throttled(&login(&app, unknown, "a wrong guess, again"));

    // The failures came from elsewhere: the account is still locked, the address is not.
    app.sql("UPDATE password_attempt SET subject = 'address:198.51.100.7' WHERE subject = 'address:127.0.0.1'");
    assert_throttled(&login(&app, partner, password));
    let (manager, _, manager_password) = DEMO_ACCOUNTS[2];
    assert_eq!(login(&app, manager, manager_password).status, 200);
    assert!(login(&app, manager, manager_password).body["data"]["login"]["accessToken"].is_string());

    // Once the failures leave the window they are swept and the account opens again.
    app.sql("UPDATE password_attempt SET attempted_at = '2000-01-01 00:00:00+00:00'");
    assert!(login(&app, partner, password).body["data"]["login"]["accessToken"].is_string());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM password_attempt"),
        0,
        "old attempts are swept"
    );
}

#[test]
fn a_success_starts_the_count_over() {
    let app = TestApp::spawn();
    let (partner, _, password) = DEMO_ACCOUNTS[1];
    for _ in 0..9 {
        assert_eq!(
            code(&login(&app, partner, "a wrong guess, again").body),
            "UNAUTHENTICATED"
        );
    }
    assert!(login(&app, partner, password).body["data"]["login"]["accessToken"].is_string());
    for _ in 0..10 {
        assert_eq!(
            code(&login(&app, partner, "a wrong guess, again").body),
            "UNAUTHENTICATED"
        );
    }
    assert_throttled(&login(&app, partner, password));
}

/// Counts how many logins of a reply (one answer or a batch of them) checked a password and failed.
fn failures(reply: &Raw) -> usize {
    let answers = match &reply.body {
        Value::Array(answers) => answers.clone(),
        one => vec![one.clone()],
    };
    answers
        .iter()
        .flat_map(|a| a["errors"].as_array().cloned().unwrap_or_default())
        .filter(|e| e["extensions"]["code"] == "UNAUTHENTICATED")
        .count()
}

#[test]
fn batches_and_aliases_do_not_multiply_guesses() {
    let app = TestApp::spawn();
    let (partner, _, _) = DEMO_ACCOUNTS[1];
    // Twelve guesses in two batches of six: at most ten are checked, whatever else refuses them.
    let guess = json!({ "query": LOGIN, "variables": { "e": partner, "p": "a wrong guess, again" } });
    let checked: usize = (0..2)
        .map(|_| failures(&send(&app, None, Value::Array(vec![guess.clone(); 6]))))
        .sum();
    assert!(checked <= 10, "{checked} guesses checked in batches");

    // Fifteen through aliases, five to a document (the most one field may repeat in a selection).
    let (manager, _, _) = DEMO_ACCOUNTS[2];
    let aliased = (0..5)
        .map(|i| {
            format!(r#"g{i}: login(input: {{email: "{manager}", password: "a wrong guess, {i}"}}) {{ accessToken }}"#)
        })
        .collect::<Vec<_>>()
        .join(" ");
    let document = json!({ "query": format!("mutation {{ {aliased} }}") });
    let checked: usize = (0..3).map(|_| failures(&send(&app, None, document.clone()))).sum();
    assert!(checked <= 10, "{checked} guesses checked through aliases");
}

#[test]
fn the_address_is_throttled_across_accounts() {
    let app = TestApp::with_settings(EndpointSettings {
        password_throttle: ThrottleLimits {
            per_address: 5,
            ..ThrottleLimits::default()
        },
        ..EndpointSettings::default()
    });
    for i in 0..5 {
        let failed = login(&app, &format!("guess{i}@example.org"), "a wrong guess, again");
        assert_eq!(code(&failed.body), "UNAUTHENTICATED");
    }
    let (partner, _, password) = DEMO_ACCOUNTS[1];
    assert_throttled(&login(&app, partner, password));
    // Another address would not be held back by these: moved there, they no longer count here.
    app.sql("UPDATE password_attempt SET subject = 'address:198.51.100.7' WHERE subject = 'address:127.0.0.1'");
    assert!(login(&app, partner, password).body["data"]["login"]["accessToken"].is_string());
}

#[test]
fn change_password_and_key_exchange_are_throttled_too() {
    let app = TestApp::spawn();
    let (partner, _, password) = DEMO_ACCOUNTS[1];
    let token = login(&app, partner, password).body["data"]["login"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let change = "mutation($c: String!) { changePassword(input: {currentPassword: $c, newPassword: \"a brand new passphrase\"}) { signedOutElsewhere } }";
    for _ in 0..10 {
        let wrong = send(
            &app,
            Some(&token),
            json!({ "query": change, "variables": { "c": "a wrong guess, again" } }),
        );
        assert_eq!(code(&wrong.body), "BAD_USER_INPUT", "{}", wrong.body);
    }
    let right = send(
        &app,
        Some(&token),
        json!({ "query": change, "variables": { "c": password } }),
    );
    assert_throttled(&right);
    assert_throttled(&login(&app, partner, password));

    // A key's secret is throttled per key: its prefix is public.
    let cnfi = app.query(r#"{ partnerOrganisations(country: "TW") { nodes { id } } }"#, json!({}));
    let cnfi = cnfi.data()["partnerOrganisations"]["nodes"][0]["id"].clone();
    let created = app.post(
        Some(&token),
        "mutation($o: ID!) { createApiKey(input: {name: \"sync\", partnerOrganisationId: $o}) { key } }",
        json!({ "o": cnfi }),
    );
    let key = created.data()["createApiKey"]["key"].as_str().unwrap().to_owned();
    let exchange = "mutation($k: String!) { exchangeApiKey(input: {key: $k}) { accessToken } }";
    let last = if key.ends_with('A') { 'B' } else { 'A' };
    let forged = format!("{}{last}", &key[..key.len() - 1]);
    for _ in 0..10 {
        let wrong = send(&app, None, json!({ "query": exchange, "variables": { "k": forged } }));
        assert_eq!(code(&wrong.body), "UNAUTHENTICATED", "{}", wrong.body);
    }
    assert_throttled(&send(
        &app,
        None,
        json!({ "query": exchange, "variables": { "k": key } }),
    ));
}
