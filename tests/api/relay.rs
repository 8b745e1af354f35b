//! Relay everywhere: every type implementing `Node` (read from the schema by introspection)
//! resolves through `node(id:)` for someone who may see it, and reads as null, like a missing
//! record, for someone who may not; `nodes(ids:)` answers all of them in order, and many ids of
//! one type cost the statements of one.

use clusterbridge::auth::Role;
use serde_json::{json, Value};

use crate::{clusters::new_cluster, support::TestApp};

const NODE: &str = "query($id: ID!) { node(id: $id) { __typename id } }";

/// One type's case: an ID, a token that sees it (none: anonymous) and one that must not.
struct Case {
    type_name: &'static str,
    id: String,
    sees: Option<String>,
    stranger: Option<Option<String>>,
}

fn first_id(reply: &Value, path: &[&str]) -> String {
    let mut at = reply;
    for step in path {
        at = if let Ok(i) = step.parse::<usize>() {
            &at[i]
        } else {
            &at[*step]
        };
    }
    at.as_str()
        .unwrap_or_else(|| panic!("no ID at {path:?} in {reply}"))
        .to_owned()
}

fn node(app: &TestApp, token: Option<&str>, id: &str) -> Value {
    app.post(token, NODE, json!({ "id": id })).data()["node"].clone()
}

fn session(app: &TestApp, email: &str) -> (String, String) {
    let registered = app.query(
        "mutation($i: RegisterInput!) { register(input: $i) { user { id } } }",
        json!({ "i": { "email": email, "displayName": "Mei-Ling Chen", "password": "a long enough password" } }),
    );
    let id = first_id(registered.data(), &["register", "user", "id"]);
    let login = app.query(
        "mutation($e: String!) { login(input: {email: $e, password: \"a long enough password\"}) { accessToken } }",
        json!({ "e": email }),
    );
    (id, first_id(login.data(), &["login", "accessToken"]))
}

#[test]
fn every_node_type_resolves_for_those_who_may_see_it_and_is_null_for_others() {
    let app = TestApp::spawn();
    let admin = TestApp::admin();
    let stranger = TestApp::token(Role::User);
    let cluster_of = |slug: &str| {
        let reply = app.query(
            "query($s: String!) { clusterBySlug(slug: $s) { id members(first: 1) { nodes { id } } } }",
            json!({ "s": slug }),
        );
        reply.data()["clusterBySlug"].clone()
    };
    let tpca = cluster_of("tpca");
    let tpca_id = tpca["id"].as_str().unwrap().to_owned();
    let castra_id = cluster_of("castra")["id"].as_str().unwrap().to_owned();
    let tpca_manager = TestApp::scoped_token(Role::ClusterManager, &[], &[&tpca_id], &[]);
    let castra_manager = TestApp::scoped_token(Role::ClusterManager, &[], &[&castra_id], &[]);
    let cnfi = app.query(r#"{ partnerOrganisations(country: "TW") { nodes { id } } }"#, json!({}));
    let cnfi = first_id(cnfi.data(), &["partnerOrganisations", "nodes", "0", "id"]);
    let tw_partner = TestApp::scoped_token(Role::Partner, &["TW"], &[], &[&cnfi]);
    let fr_partner = TestApp::scoped_token(Role::Partner, &["FR"], &[], &[]);

    let public = app.query(
        "{ partnerships(first: 1) { nodes { id } } successStories(first: 1) { nodes { id } } \
           posts(first: 1) { nodes { id } } }",
        json!({}),
    );
    let events = app.as_admin(
        "{ matchmakingEvents(first: 20) { nodes { id participants(first: 1) { nodes { id } } \
           meetings(first: 1) { nodes { id } } } } }",
        json!({}),
    );
    let events = events.data()["matchmakingEvents"]["nodes"].as_array().unwrap().clone();
    let with = |field: &str| {
        events
            .iter()
            .find_map(|e| e[field]["nodes"][0]["id"].as_str().map(str::to_owned))
            .unwrap_or_else(|| panic!("the demo data has an event with {field}"))
    };

    let (user_id, user_token) = session(&app, "mei-ling@example.tw");
    let key = app.as_admin(
        "mutation($o: ID!) { createApiKey(input: {name: \"sync\", partnerOrganisationId: $o}) { apiKey { id } } }",
        json!({ "o": cnfi }),
    );
    let key_id = first_id(key.data(), &["createApiKey", "apiKey", "id"]);
    let invited = app.post(
        Some(&tpca_manager),
        "mutation($c: ID!) { inviteClusterManager(input: {clusterId: $c, email: \"colleague@example.tw\"}) { invitation { id } } }",
        json!({ "c": tpca_id }),
    );
    let invitation_id = first_id(invited.data(), &["inviteClusterManager", "invitation", "id"]);
    let expires = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
    let search = app.post(
        Some(&tpca_manager),
        "mutation($i: CreatePartnerSearchInput!) { createPartnerSearch(input: $i) { partnerSearch { id } } }",
        json!({ "i": { "clusterId": tpca_id, "kind": "REQUEST", "title": "PCB assemblers", "description": "Partners in Europe.",
                       "expiresOn": expires } }),
    );
    let search_id = first_id(search.data(), &["createPartnerSearch", "partnerSearch", "id"]);
    let interest = app.post(
        Some(&castra_manager),
        "mutation($s: ID!, $c: ID!) { expressInterest(input: {partnerSearchId: $s, clusterId: $c, message: \"Let us talk.\"}) { expressionOfInterest { id } } }",
        json!({ "s": search_id, "c": castra_id }),
    );
    let interest_id = first_id(interest.data(), &["expressInterest", "expressionOfInterest", "id"]);
    // Mails were queued for the invitation and the interest; one fails, to be listed.
    app.sql("UPDATE outbox_mail SET status = 'FAILED'");
    let mails = app.as_admin("{ failedMails(first: 1) { nodes { id } } }", json!({}));
    let mail_id = first_id(mails.data(), &["failedMails", "nodes", "0", "id"]);
    let subscribed = app.query(
        "mutation { subscribeToDigest(input: {email: \"reader@example.org\"}) { accepted } }",
        json!({}),
    );
    assert_eq!(subscribed.data()["subscribeToDigest"]["accepted"], true);
    let subscribers = app.as_admin("{ digestSubscribers(first: 1) { nodes { id } } }", json!({}));
    let subscriber_id = first_id(subscribers.data(), &["digestSubscribers", "nodes", "0", "id"]);
    let audit = app.as_admin("{ auditLog(first: 100) { nodes { id country } } }", json!({}));
    let audit_id = audit.data()["auditLog"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["country"] == "TW")
        .and_then(|e| e["id"].as_str())
        .expect("an audit entry filed under TW")
        .to_owned();

    // An endpoint of CNFI (a public https URL: registration resolves no names), and the
    // delivery that a Taiwanese cluster's creation queues for it.
    let endpoint = app.post(
        Some(&tw_partner),
        "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { webhookEndpoint { id } } }",
        json!({ "i": { "partnerOrganisationId": cnfi, "url": "https://erp.cnfi.example.tw/hooks",
                       "eventTypes": ["CLUSTER_CREATED"] } }),
    );
    let endpoint_id = first_id(endpoint.data(), &["createWebhookEndpoint", "webhookEndpoint", "id"]);
    let mut taiwanese = new_cluster("Taiwan Webhook Cluster");
    taiwanese["country"] = json!("TW");
    let created = app.as_admin(
        "mutation($i: CreateClusterInput!) { createCluster(input: $i) { cluster { id } } }",
        json!({ "i": taiwanese }),
    );
    first_id(created.data(), &["createCluster", "cluster", "id"]);
    let hooks = app.post(
        Some(&tw_partner),
        "query($o: ID!) { webhookEndpoints(partnerOrganisationId: $o) { deliveries(first: 1) { nodes { id } } } }",
        json!({ "o": cnfi }),
    );
    let delivery_id = first_id(
        hooks.data(),
        &["webhookEndpoints", "0", "deliveries", "nodes", "0", "id"],
    );

    // A partner of another organisation (the demo data has one only; the policy reads the
    // token's organisations) does not manage CNFI's webhooks.
    let other_org = uuid::Uuid::now_v7().to_string();
    let other_partner = TestApp::scoped_token(Role::Partner, &["TW"], &[], &[&other_org]);

    let anyone = |type_name, id: String| Case {
        type_name,
        id,
        sees: None,
        stranger: None,
    };
    let cases = vec![
        anyone("Cluster", tpca_id.clone()),
        anyone("Member", first_id(&tpca, &["members", "nodes", "0", "id"])),
        anyone(
            "Partnership",
            first_id(public.data(), &["partnerships", "nodes", "0", "id"]),
        ),
        anyone(
            "SuccessStory",
            first_id(public.data(), &["successStories", "nodes", "0", "id"]),
        ),
        anyone("PartnerOrganisation", cnfi.clone()),
        anyone("Post", first_id(public.data(), &["posts", "nodes", "0", "id"])),
        anyone("MatchmakingEvent", events[0]["id"].as_str().unwrap().to_owned()),
        Case {
            type_name: "EventParticipant",
            id: with("participants"),
            sees: admin.clone(),
            stranger: None,
        },
        Case {
            type_name: "Meeting",
            id: with("meetings"),
            sees: admin.clone(),
            stranger: Some(None),
        },
        Case {
            type_name: "User",
            id: user_id,
            sees: Some(user_token),
            stranger: Some(Some(stranger.clone())),
        },
        Case {
            type_name: "ApiKey",
            id: key_id.clone(),
            sees: Some(tw_partner.clone()),
            stranger: Some(Some(fr_partner.clone())),
        },
        Case {
            type_name: "Invitation",
            id: invitation_id,
            sees: Some(tpca_manager.clone()),
            stranger: Some(Some(castra_manager.clone())),
        },
        Case {
            type_name: "AuditEntry",
            id: audit_id,
            sees: Some(tw_partner.clone()),
            stranger: Some(Some(fr_partner.clone())),
        },
        Case {
            type_name: "PartnerSearch",
            id: search_id.clone(),
            sees: None,
            // Expired below: then no one sees it, as in `partnerSearches`.
            stranger: None,
        },
        Case {
            type_name: "ExpressionOfInterest",
            id: interest_id,
            sees: Some(tpca_manager.clone()),
            // The answering cluster does not read the poster's answers, as in `interests`.
            stranger: Some(Some(castra_manager.clone())),
        },
        Case {
            type_name: "OutboxMail",
            id: mail_id,
            sees: admin.clone(),
            stranger: Some(Some(tw_partner.clone())),
        },
        Case {
            type_name: "DigestSubscriber",
            id: subscriber_id,
            sees: admin.clone(),
            stranger: Some(Some(tw_partner.clone())),
        },
        Case {
            type_name: "WebhookEndpoint",
            id: endpoint_id.clone(),
            sees: Some(tw_partner.clone()),
            stranger: Some(Some(other_partner.clone())),
        },
        Case {
            type_name: "WebhookDelivery",
            id: delivery_id.clone(),
            sees: Some(tw_partner.clone()),
            stranger: Some(Some(other_partner.clone())),
        },
    ];

    let types = app.query(r#"{ __type(name: "Node") { possibleTypes { name } } }"#, json!({}));
    let types: Vec<String> = types.data()["__type"]["possibleTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(types.len() >= 19, "{types:?}");
    for type_name in &types {
        let case = cases
            .iter()
            .find(|c| c.type_name == type_name)
            .unwrap_or_else(|| panic!("{type_name} implements Node but has no case here: add one"));
        let seen = node(&app, case.sees.as_deref(), &case.id);
        assert_eq!(seen["__typename"], *type_name, "{type_name} for one who may see it");
        assert_eq!(seen["id"], case.id);
        if let Some(stranger) = &case.stranger {
            assert_eq!(
                node(&app, stranger.as_deref(), &case.id),
                Value::Null,
                "{type_name} for one who may not see it"
            );
        }
    }
    // Not signed in, nothing but the public directory shows.
    for case in cases
        .iter()
        .filter(|c| c.stranger.as_ref().is_some_and(|s| s.is_some()))
    {
        assert_eq!(
            node(&app, None, &case.id),
            Value::Null,
            "{} anonymously",
            case.type_name
        );
    }
    // Through `node`, an endpoint carries its event types (read in the loader's batch) and a
    // delivery its status, as in `webhookEndpoints`.
    let hook = app.post(
        Some(&tw_partner),
        "query($e: ID!, $d: ID!) { e: node(id: $e) { ... on WebhookEndpoint { eventTypes url } } \
           d: node(id: $d) { ... on WebhookDelivery { eventType status } } }",
        json!({ "e": endpoint_id, "d": delivery_id }),
    );
    assert_eq!(hook.data()["e"]["eventTypes"], json!(["CLUSTER_CREATED"]));
    assert_eq!(hook.data()["e"]["url"], "https://erp.cnfi.example.tw/hooks");
    assert_eq!(
        hook.data()["d"],
        json!({ "eventType": "CLUSTER_CREATED", "status": "QUEUED" })
    );
    let all: Vec<Value> = cases.iter().map(|c| json!(c.id)).collect();
    let everything = app.as_admin(
        "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
        json!({ "ids": all }),
    );
    let answered = everything.data()["nodes"].as_array().unwrap();
    let listed: Vec<&str> = answered
        .iter()
        .map(|n| n["__typename"].as_str().unwrap_or("null"))
        .collect();
    // Administrators see every record, accounts too (they look accounts up).
    assert_eq!(
        listed,
        cases.iter().map(|c| c.type_name).collect::<Vec<_>>(),
        "in the order asked"
    );

    let by_id = app.query(
        "query($id: ID!) { partnerSearch(id: $id) { id } }",
        json!({ "id": search_id }),
    );
    assert_eq!(by_id.data()["partnerSearch"]["id"], search_id.as_str());
    // Expired, a partner search drops out for everyone, as it does from `partnerSearches`.
    app.sql("UPDATE partner_search SET expires_on = '2000-01-01'");
    assert_eq!(node(&app, None, &search_id), Value::Null);
    let by_id = app.query(
        "query($id: ID!) { partnerSearch(id: $id) { id } }",
        json!({ "id": search_id }),
    );
    assert_eq!(by_id.data()["partnerSearch"], Value::Null);
}

#[test]
fn many_ids_of_one_type_cost_the_statements_of_one() {
    let app = TestApp::spawn();
    let cnfi = app.query(r#"{ partnerOrganisations(country: "TW") { nodes { id } } }"#, json!({}));
    let cnfi = first_id(cnfi.data(), &["partnerOrganisations", "nodes", "0", "id"]);
    let keys: Vec<String> = (0..5)
        .map(|i| {
            let key = app.as_admin(
                "mutation($o: ID!, $n: String!) { createApiKey(input: {name: $n, partnerOrganisationId: $o}) { apiKey { id } } }",
                json!({ "o": cnfi, "n": format!("sync {i}") }),
            );
            first_id(key.data(), &["createApiKey", "apiKey", "id"])
        })
        .collect();
    let partner = TestApp::scoped_token(Role::Partner, &["TW"], &[], &[&cnfi]);
    let nodes = |ids: &[String]| {
        app.take_statement_count();
        let reply = app.post(
            Some(&partner),
            "query($ids: [ID!]!) { nodes(ids: $ids) { ... on ApiKey { id name } } }",
            json!({ "ids": ids }),
        );
        let found = reply.data()["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| !n.is_null())
            .count();
        (found, app.take_statement_count())
    };
    let (one, one_statements) = nodes(&keys[..1]);
    let (five, five_statements) = nodes(&keys);
    assert_eq!((one, five), (1, 5));
    assert_eq!(
        five_statements, one_statements,
        "five keys are read in the one batch of one"
    );
}
