//! Schema-driven fuzzing of the GraphQL endpoint. Each test reads the live schema by
//! introspection and sends over a thousand generated requests: valid queries and broken ones,
//! deep and wide, odd Unicode, huge numbers, random variables, mutations with random inputs,
//! batches, GET requests and garbage bodies, fragment bombs and alias-heavy documents. Every answer must hold: no 5xx except a 503 for
//! TIMEOUT or UNAVAILABLE, a JSON body, a string `extensions.code` on every error, no INTERNAL
//! error, no SQL in a message, no panic in the server, and a server that still answers at the end.
//!
//! Deep nesting goes to the real binary in a process of its own, since a stack overflow there
//! aborts the process (see `fuzz_deep_nesting_in_a_server_process`).
//!
//! The generator is a seeded splitmix64, so every run sends the same cases. To reproduce or
//! explore: `FUZZ_SEED=0x… FUZZ_CASES=… cargo test --test api fuzz -- --nocapture`, with
//! `FUZZ_VERBOSE=1` to print every case as it is sent and `FUZZ_REPORT=<directory>` to write
//! every finding to a file there.
//!
//! The parts: [`schema`] (what introspection tells), [`values`] and [`input_values`] (literals and
//! generated arguments), [`documents`] (selections and operations walked from the schema),
//! [`fragments`] (fragment- and alias-heavy documents, whose refusals must come quickly),
//! [`queries`], [`mutations`] and [`http_cases`] (the kinds of case), [`properties`] (what every
//! answer must hold, and the findings), [`runner`] (the fuzzer and its loop), [`nesting`] (the
//! deep documents and the server process they go to) and [`rng`].

mod documents;
mod fragments;
mod http_cases;
mod input_values;
mod mutations;
mod nesting;
mod properties;
mod queries;
mod rng;
mod runner;
mod schema;
mod values;

use std::time::{Duration, Instant};

use self::nesting::{ServerProcess, NESTINGS};
use self::properties::{check, excerpt, Case};
use self::rng::{fuzz_seed, Rng};
use self::runner::Fuzzer;

#[test]
fn fuzz_queries_from_the_schema() {
    Fuzzer::start("queries", 0x5EED_C1B5_0000_0001).run(1_300, Fuzzer::query_case);
}

#[test]
fn fuzz_mutations_from_the_schema() {
    Fuzzer::start("mutations", 0x5EED_C1B5_0000_0002).run(800, Fuzzer::mutation_case);
}

#[test]
fn fuzz_fragment_and_alias_heavy_documents() {
    let mut fuzzer = Fuzzer::start("fragments", 0x5EED_C1B5_0000_0005);
    fuzzer.refusal_bound = Some(fragments::REFUSAL_BOUND);
    fuzzer.run(250, Fuzzer::fragment_case);
}

#[test]
fn fuzz_requests_over_http() {
    Fuzzer::start("http", 0x5EED_C1B5_0000_0003).run(1_100, Fuzzer::http_case);
}

/// Deep nesting in a document can overflow the stack of a server thread, and a stack overflow
/// aborts the whole process: in this test binary it would take every other test down with it.
/// So these cases go to the real binary, in a process of its own that is restarted when it dies.
/// (On SQLite even under `TEST_DATABASE_URL`: the parser does not care.)
#[test]
fn fuzz_deep_nesting_in_a_server_process() {
    let seed = fuzz_seed(0x5EED_C1B5_0000_0004);
    println!("fuzz nesting: seed {seed:#x}");
    let mut rng = Rng(seed);
    let started = Instant::now();
    let mut server = ServerProcess::start();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let mut cases = 0;
    let mut restarts = 0;
    let mut failures: Vec<String> = Vec::new();
    for (shape, document) in NESTINGS {
        let mut sizes = vec![64, 200, 300, 400, 500, 700, 1_000, 3_000, 30_000];
        sizes.extend((0..3).map(|_| rng.between(100, 5_000) as usize));
        for n in sizes {
            let body = document(n);
            cases += 1;
            let sent = agent
                .post(format!("{}/graphql", server.base))
                .header("Content-Type", "application/json")
                .send(body.as_str())
                .and_then(|mut r| {
                    let status = r.status().as_u16();
                    Ok((status, r.body_mut().with_config().limit(64 << 20).read_to_string()?))
                });
            let case = Case {
                kind: shape,
                get: None,
                headers: vec![("Content-Type".into(), "application/json".into())],
                plain: body.clone(),
                body: body.into_bytes(),
                batch: None,
            };
            match sent {
                Ok((status, text)) => {
                    for problem in check(&case, status, &text) {
                        failures.push(format!(
                            "{shape}, {n} levels: {problem}\n  POST /graphql {}\n  => status {status}: {}",
                            excerpt(&case.plain, 200),
                            excerpt(&text, 600)
                        ));
                    }
                }
                Err(err) => {
                    let death = server.death();
                    failures.push(format!(
                        "{shape}, {n} levels ({} bytes): no answer ({err}); the server process {}\n  POST /graphql {}",
                        case.body.len(),
                        match &death {
                            Some((status, log)) => format!("died ({status}), its last words: {log}"),
                            None => "is still running".to_owned(),
                        },
                        excerpt(&case.plain, 200)
                    ));
                    if death.is_some() {
                        restarts += 1;
                        server = ServerProcess::start_on(server.take_database());
                    }
                    // One crash is enough to show a shape is fatal.
                    break;
                }
            }
        }
    }
    let health = agent
        .post(format!("{}/graphql", server.base))
        .header("Content-Type", "application/json")
        .send("{\"query\":\"{ __typename }\"}")
        .map(|r| r.status().as_u16());
    assert_eq!(health.ok(), Some(200), "the server answers after the fuzz");
    println!(
        "fuzz nesting: {cases} cases, {restarts} server restarts in {:.1} s, seed {seed:#x}",
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "fuzz nesting (seed {seed:#x}) found server bugs:\n\n{}",
        failures.join("\n\n")
    );
}
