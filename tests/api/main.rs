//! Integration tests: every one talks to a real server over HTTP, on SQLite by default or on
//! PostgreSQL when `TEST_DATABASE_URL` is set. One binary, tests in parallel.

mod support;

mod account_mail;
mod accounts;
mod agenda;
mod auth;
mod bounds;
mod cli;
mod client_address;
mod clusters;
mod consent;
mod cost;
mod digest;
mod digest_subscription;
mod directory;
mod discovery;
mod faults;
mod fuzz;
mod hardening;
mod http;
mod mail;
mod marketplace;
mod matchmaking;
mod matrix;
mod n_plus_one;
mod observability;
mod outcomes;
mod over_http;
mod pagination;
mod partnerships;
mod password_throttle;
mod posts;
mod racing_writes;
mod rate_limits;
mod repository;
mod revocation;
mod schedule;
mod schema_docs;
mod shutdown;
mod statements;
mod storage;
mod stories;
mod subscriptions;
mod translations;
mod validation;
