//! Schema migrations. Each file is one schema change and runs unchanged on SQLite and PostgreSQL:
//! text codes instead of native enums, join tables instead of arrays.

pub use sea_orm_migration::prelude::*;

mod m20261125_000001_create_directory;
mod m20261125_000002_accounts;
mod m20261125_000003_hardening;
mod m20261125_000004_search;
mod m20261125_000005_partner_search;
mod m20261125_000006_search_terms;
mod m20261130_000007_discovery_speed;
mod m20261130_000008_directory_revision;
mod m20261130_000009_search_row_facets;
mod m20261202_000010_account_security;
mod m20261202_000011_bounded_storage;
mod m20261202_000012_consent;
mod m20261202_000013_naming;
mod m20261202_000014_matchmaking;
mod m20261202_000015_rate_limit_statement;
mod m20261202_000016_unlogged_rate_limits;
mod m20261203_000017_meeting_sequence;
mod m20261203_000018_meeting_outcome;
mod m20261203_000019_posts;
mod m20261203_000020_outbox_mail;
mod m20261203_000021_post_translations;
mod m20261204_000022_digest_subscriber;
mod m20261204_000023_digest_issue;
mod m20261204_000024_account_mail;
mod m20261204_000025_story_workflow;
mod m20261204_000026_cluster_story_translations;
mod m20261205_000027_cluster_external_id;
mod m20261205_000028_webhooks;
mod m20261205_000029_change_feed;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_create_directory::Migration),
            Box::new(m20261125_000002_accounts::Migration),
            Box::new(m20261125_000003_hardening::Migration),
            Box::new(m20261125_000004_search::Migration),
            Box::new(m20261125_000005_partner_search::Migration),
            Box::new(m20261125_000006_search_terms::Migration),
            Box::new(m20261130_000007_discovery_speed::Migration),
            Box::new(m20261130_000008_directory_revision::Migration),
            Box::new(m20261130_000009_search_row_facets::Migration),
            Box::new(m20261202_000010_account_security::Migration),
            Box::new(m20261202_000011_bounded_storage::Migration),
            Box::new(m20261202_000012_consent::Migration),
            Box::new(m20261202_000013_naming::Migration),
            Box::new(m20261202_000014_matchmaking::Migration),
            Box::new(m20261202_000015_rate_limit_statement::Migration),
            Box::new(m20261202_000016_unlogged_rate_limits::Migration),
            Box::new(m20261203_000017_meeting_sequence::Migration),
            Box::new(m20261203_000018_meeting_outcome::Migration),
            Box::new(m20261203_000019_posts::Migration),
            Box::new(m20261203_000020_outbox_mail::Migration),
            Box::new(m20261203_000021_post_translations::Migration),
            Box::new(m20261204_000022_digest_subscriber::Migration),
            Box::new(m20261204_000023_digest_issue::Migration),
            Box::new(m20261204_000024_account_mail::Migration),
            Box::new(m20261204_000025_story_workflow::Migration),
            Box::new(m20261204_000026_cluster_story_translations::Migration),
            Box::new(m20261205_000027_cluster_external_id::Migration),
            Box::new(m20261205_000028_webhooks::Migration),
            Box::new(m20261205_000029_change_feed::Migration),
        ]
    }
}
