//! The fuzzer: its pools of real ids from the demo data, its credentials, and the loop that sends
//! each case, checks the answer and reports what it found.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::rc::Rc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use clusterbridge::auth::Role;
use clusterbridge::http::graphql::EndpointSettings;
use clusterbridge::http::limits::Budgets;
use clusterbridge::seed::DEMO_ACCOUNTS;
use serde_json::{json, Value};

use crate::support::TestApp;

use super::properties::{
    check, count_server_panics, excerpt, problem_class, Case, Finding, Report, PANIC_MESSAGES, SERVER_PANICS,
};
use super::rng::{fuzz_seed, Rng};
use super::schema::{Schema, INTROSPECTION};

pub(super) struct Pools {
    pub(super) ids: BTreeMap<String, Vec<String>>,
    pub(super) slugs: Vec<String>,
    pub(super) cursors: Vec<String>,
}

pub(super) const POOL_QUERY: &str = r#"{
  clusters(first: 100, filter: {statuses: [DRAFT, NEEDS_REVIEW, PUBLISHED, ARCHIVED]}) {
    edges { cursor }
    nodes { id slug members(first: 20) { nodes { id } } }
  }
  partnerships(first: 100) { edges { cursor } nodes { id } }
  successStories(first: 100) { nodes { id } }
  partnerOrganisations(first: 100) { nodes { id countries } }
}"#;

pub(super) fn add_id(ids: &mut BTreeMap<String, Vec<String>>, ty: &str, id: &Value) {
    if let Some(id) = id.as_str() {
        ids.entry(ty.to_owned()).or_default().push(id.to_owned());
    }
}

pub(super) struct Fuzzer {
    pub(super) name: &'static str,
    pub(super) seed: u64,
    pub(super) app: TestApp,
    pub(super) agent: ureq::Agent,
    pub(super) rng: Rng,
    pub(super) schema: Rc<Schema>,
    pub(super) pools: Pools,
    pub(super) admin: String,
    /// Other credentials: a user, a partner, a cluster manager, an API key, broken ones.
    pub(super) others: Vec<String>,
    pub(super) idempotency_keys: Vec<String>,
    pub(super) verbose: bool,
    pub(super) report: Report,
    /// When set, a refused request (no data in any answer) must come within this time.
    pub(super) refusal_bound: Option<Duration>,
}

impl Fuzzer {
    pub(super) fn start(name: &'static str, default_seed: u64) -> Fuzzer {
        let seed = fuzz_seed(default_seed);
        println!("fuzz {name}: seed {seed:#x}");
        count_server_panics();
        let app = TestApp::with_settings(EndpointSettings {
            budgets: Budgets {
                rate_limits: None,
                ..Budgets::default()
            },
            ..EndpointSettings::default()
        });
        let admin = TestApp::token(Role::Admin);
        let introspection = app.post(Some(&admin), INTROSPECTION, json!({}));
        let schema = Schema::from_introspection(introspection.data());

        let reply = app.post(Some(&admin), POOL_QUERY, json!({}));
        let data = reply.data();
        let mut ids: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let list = |v: &Value| v.as_array().cloned().unwrap_or_default();
        let mut slugs = Vec::new();
        let mut cursors = Vec::new();
        for cluster in list(&data["clusters"]["nodes"]) {
            add_id(&mut ids, "Cluster", &cluster["id"]);
            slugs.extend(cluster["slug"].as_str().map(str::to_owned));
            for member in list(&cluster["members"]["nodes"]) {
                add_id(&mut ids, "Member", &member["id"]);
            }
        }
        for connection in ["clusters", "partnerships"] {
            for edge in list(&data[connection]["edges"]) {
                cursors.extend(edge["cursor"].as_str().map(str::to_owned));
            }
        }
        for partnership in list(&data["partnerships"]["nodes"]) {
            add_id(&mut ids, "Partnership", &partnership["id"]);
        }
        for story in list(&data["successStories"]["nodes"]) {
            add_id(&mut ids, "SuccessStory", &story["id"]);
        }
        for organisation in list(&data["partnerOrganisations"]["nodes"]) {
            add_id(&mut ids, "PartnerOrganisation", &organisation["id"]);
        }
        for (email, _, _) in DEMO_ACCOUNTS {
            let user = app.post(
                Some(&admin),
                "query($e: String!) { userByEmail(email: $e) { id } }",
                json!({ "e": email }),
            );
            add_id(&mut ids, "User", &user.data()["userByEmail"]["id"]);
        }
        let organisation = ids["PartnerOrganisation"][0].clone();
        let created = app.post(
            Some(&admin),
            "mutation($o: ID!) { createApiKey(input: {name: \"fuzz\", partnerOrganisationId: $o}) { key apiKey { id } } }",
            json!({ "o": organisation }),
        );
        let key = created.data()["createApiKey"]["key"]
            .as_str()
            .expect("an API key")
            .to_owned();
        add_id(&mut ids, "ApiKey", &created.data()["createApiKey"]["apiKey"]["id"]);
        for (ty, found) in &ids {
            assert!(!found.is_empty(), "no {ty} in the demo data");
        }
        let cluster = ids["Cluster"][0].clone();
        let others = vec![
            TestApp::token(Role::User),
            TestApp::scoped_token(Role::Partner, &["TW"], &[], &[&organisation]),
            TestApp::scoped_token(Role::ClusterManager, &[], &[&cluster], &[]),
            key,
            "cbk_0000_not-a-key".into(),
            "not.a.jwt".into(),
            format!("{}x", TestApp::token(Role::Admin)),
        ];

        Fuzzer {
            name,
            seed,
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(30)))
                .build()
                .into(),
            app,
            rng: Rng(seed),
            schema: Rc::new(schema),
            pools: Pools { ids, slugs, cursors },
            admin,
            others,
            idempotency_keys: Vec::new(),
            verbose: std::env::var_os("FUZZ_VERBOSE").is_some(),
            report: Report::default(),
            refusal_bound: None,
        }
    }

    pub(super) fn run(mut self, default_cases: usize, generate: fn(&mut Fuzzer) -> Case) {
        let cases = std::env::var("FUZZ_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(default_cases);
        let panics_before = SERVER_PANICS.load(Ordering::SeqCst);
        let started = Instant::now();
        for _ in 0..cases {
            let case = generate(&mut self);
            self.send(case);
        }
        let elapsed = started.elapsed();

        // Still alive and well.
        let health = self.app.query("{ __typename }", json!({}));
        assert_eq!(health.status, 200, "the server answers after the fuzz: {}", health.body);
        assert_eq!(health.data()["__typename"], "Query");
        let (status, _, _) = self.app.get("/healthz");
        assert_eq!(status, 200, "/healthz after the fuzz");

        let report = &self.report;
        println!(
            "fuzz {}: {} cases ({} refused by the client, {} retried) in {:.1} s, seed {:#x}",
            self.name,
            report.cases,
            report.skipped,
            report.retried,
            elapsed.as_secs_f64(),
            self.seed
        );
        let kinds: Vec<String> = report
            .kinds
            .iter()
            .map(|(kind, (n, time))| format!("{kind} {n} ({:.1} s)", time.as_secs_f64()))
            .collect();
        println!("  kinds:    {}", kinds.join(", "));
        println!("  statuses: {:?}", report.statuses);
        println!("  codes:    {:?}", report.codes);

        let mut failures = Vec::new();
        let panics = SERVER_PANICS.load(Ordering::SeqCst) - panics_before;
        if panics > 0 {
            let messages = PANIC_MESSAGES.lock().map(|m| m.join("\n")).unwrap_or_default();
            failures.push(format!("{panics} panic(s) on server threads:\n{messages}"));
        }
        if let Some(path) = std::env::var_os("FUZZ_REPORT").filter(|_| !report.findings.is_empty()) {
            let mut all = String::new();
            for f in &report.findings {
                let _ = writeln!(
                    all,
                    "#{} [{}] {}\n{}\n  => status {}: {}\n",
                    f.case, f.kind, f.problem, f.request, f.status, f.response
                );
            }
            let path = std::path::PathBuf::from(path).join(format!("fuzz-{}-{:x}.txt", self.name, self.seed));
            std::fs::write(&path, all).expect("write the fuzz report");
            println!("  every finding: {}", path.display());
        }
        if !report.findings.is_empty() {
            let mut shown: BTreeMap<String, usize> = BTreeMap::new();
            let mut text = format!("{} of {} cases broke a rule:", report.findings.len(), report.cases);
            for finding in &report.findings {
                let class = format!("{}: {}", finding.kind, problem_class(&finding.problem));
                let seen = shown.entry(class).or_default();
                *seen += 1;
                if *seen > 2 {
                    continue;
                }
                let _ = write!(
                    text,
                    "\n\n#{} [{}] {}\n{}\n  => status {}: {}",
                    finding.case,
                    finding.kind,
                    finding.problem,
                    finding.request,
                    finding.status,
                    excerpt(&finding.response, 1500)
                );
            }
            let _ = write!(text, "\n\nfindings by class of problem:");
            for (class, count) in &shown {
                let _ = write!(text, "\n  {count:>5} × {class}");
            }
            failures.push(text);
        }
        assert!(
            failures.is_empty(),
            "fuzz {} (seed {:#x}) found server bugs:\n{}",
            self.name,
            self.seed,
            failures.join("\n\n")
        );
    }

    pub(super) fn send(&mut self, case: Case) {
        self.report.cases += 1;
        let started = Instant::now();
        self.exchange(&case);
        let spent = self.report.kinds.entry(case.kind).or_default();
        spent.0 += 1;
        spent.1 += started.elapsed();
    }

    pub(super) fn exchange(&mut self, case: &Case) {
        if self.verbose {
            eprintln!(
                "fuzz {} #{} [{}] {}",
                self.name,
                self.report.cases,
                case.kind,
                case.describe()
            );
        }
        let started = Instant::now();
        let mut result = self.attempt(case);
        if let Err(ureq::Error::Io(_) | ureq::Error::Protocol(_) | ureq::Error::ConnectionFailed) = &result {
            // A connection the server closed (after a refused body, say): once more on a new one.
            self.report.retried += 1;
            result = self.attempt(case);
        }
        let (status, text) = match result {
            Ok(answer) => answer,
            Err(ureq::Error::Http(_) | ureq::Error::BadUri(_)) => {
                self.report.skipped += 1;
                return;
            }
            Err(err) => {
                let problem = format!("no HTTP answer ({err}): the server panicked, hung or dropped the connection");
                self.finding(case, problem, 0, String::new());
                return;
            }
        };
        let took = started.elapsed();
        *self.report.statuses.entry(status).or_default() += 1;
        if let Ok(body) = serde_json::from_str::<Value>(&text) {
            let replies: Vec<&Value> = match &body {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            let refused = replies.iter().all(|r| r["data"].is_null());
            if let Some(bound) = self.refusal_bound.filter(|b| refused && took > *b) {
                let problem = format!("a refusal took {took:?}, more than {bound:?}");
                self.finding(case, problem, status, text.clone());
            }
            for reply in replies {
                for error in reply["errors"].as_array().into_iter().flatten() {
                    let code = error["extensions"]["code"].as_str().unwrap_or("(none)").to_owned();
                    *self.report.codes.entry(code).or_default() += 1;
                }
            }
        }
        for problem in check(case, status, &text) {
            self.finding(case, problem, status, text.clone());
        }
    }

    pub(super) fn attempt(&self, case: &Case) -> Result<(u16, String), ureq::Error> {
        let mut response = match &case.get {
            Some(qs) => {
                let mut request = self.agent.get(format!("{}/graphql?{qs}", self.app.base));
                for (name, value) in &case.headers {
                    request = request.header(name.as_str(), value.as_str());
                }
                request.call()?
            }
            None => {
                let mut request = self.agent.post(format!("{}/graphql", self.app.base));
                for (name, value) in &case.headers {
                    request = request.header(name.as_str(), value.as_str());
                }
                request.send(case.body.as_slice())?
            }
        };
        let status = response.status().as_u16();
        let text = response.body_mut().with_config().limit(64 << 20).read_to_string()?;
        Ok((status, text))
    }

    pub(super) fn finding(&mut self, case: &Case, problem: String, status: u16, response: String) {
        self.report.findings.push(Finding {
            case: self.report.cases,
            kind: case.kind,
            problem,
            request: case.describe(),
            status,
            response,
        });
    }
}
