//! The demo data set: Taiwan on the European Cluster Collaboration Platform, as described in a 2018
//! article by the Chinese National Federation of Industries (CNFI, 中華民國全國工業總會), together with
//! European clusters to cooperate with. The server loads it into an empty database on first start, so
//! that `cargo run` serves a useful directory with no setup.
//!
//! Every cluster, member, partnership and story is written through the domain functions, so each row
//! passes the same validation as API input, and the whole set is written in one transaction: it
//! loads completely or not at all.
//!
//! What comes from the article (`shared/seed/FACTS.md`) and what does not:
//! - From the article: CNFI as ECCP's partner in Taiwan; the 13 registered Taiwanese organisations and
//!   their Chinese names; the Taiwan Association of Machinery Industry (TAMI, 機械公會) and its deputy
//!   secretary-general 陳枝昌; CASTRA, an EU cluster in ICT and aerospace; the 2018 Taiwan–EU cluster
//!   cooperation agreement (exchange visits, joint meetings); the two success stories.
//! - Illustrative demo values, not from the article: cities, coordinates (city centres), ecosystems,
//!   emerging industries, technology keywords and descriptions of the Taiwanese organisations beyond
//!   what the article says; every contact (person, example.tw / example.eu addresses, 555 phone
//!   numbers); every member organisation listed inside a cluster; the signatories of the cooperation
//!   agreement and its date (the day of the 2018 seminar); CASTRA's country (FR, a demo assumption);
//!   the CASTRA MOU; the dates and hours of the demo posts beyond the article's days, and the one
//!   demo CALL (see [`posts`]). Founded years, member counts and websites of real organisations are not in the
//!   article and are left empty (counts 0), except CNFI's website.
//! - Invented outright: every European profile other than CASTRA, including the German university of
//!   technology (the article does not name it), and the ESCP-4i partnership. Their descriptions end with
//!   "Demo data: an invented profile." / "Demo data: an invented partnership.", and their websites and
//!   addresses use example domains.
//!
//! One invented European profile is left in NEEDS_REVIEW, so that visibility rules can be tested:
//! anonymous callers see only published profiles (all 14 Taiwanese ones are published).
//!
//! One module per kind of record, each holding its table and the function that writes it:
//! [`partner_organisations`] (CNFI), [`clusters`] (the profile record; the rows are in [`taiwan`] and
//! [`europe`]), [`members`], [`partnerships`], [`success_stories`], [`matchmaking`] (the 2018 Taipei
//! matchmaking and the 2016 one the CASTRA story began at), [`posts`] and [`accounts`].

mod accounts;
mod clusters;
mod europe;
mod matchmaking;
mod members;
mod partner_organisations;
mod partnerships;
mod posts;
mod success_stories;
mod taiwan;

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::cluster;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait};
use uuid::Uuid;

use crate::auth::Principal;
use crate::error::{AppError, AppResult};

pub use accounts::DEMO_ACCOUNTS;

/// What [`load_demo_data`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub clusters: usize,
    pub members: usize,
    pub partnerships: usize,
    pub success_stories: usize,
    pub posts: usize,
    pub partner_organisations: usize,
    pub accounts: usize,
}

/// Whether the demo data set includes its sign-in accounts, whose passwords are public.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoAccounts {
    Create,
    /// Production: never create accounts with published passwords.
    Skip,
}

/// True when the database holds no cluster yet (so the server loads the demo data on first start).
pub async fn is_empty(db: &DatabaseConnection) -> AppResult<bool> {
    no_cluster_yet(db).await
}

async fn no_cluster_yet<C: ConnectionTrait>(db: &C) -> AppResult<bool> {
    Ok(cluster::Entity::find().count(db).await? == 0)
}

/// Loads the demo data set. Writes through the domain functions so every row passes the same
/// validation as API input.
///
/// Runs in one transaction and only into a directory without clusters: on a database that already
/// holds clusters it fails with CONFLICT and writes nothing.
pub async fn load_demo_data(db: &DatabaseConnection, accounts: DemoAccounts) -> AppResult<SeedReport> {
    let operator = Principal::operator();
    let txn = crate::db::begin_write(db).await?;
    if !no_cluster_yet(&txn).await? {
        return Err(AppError::Conflict(
            "the database already holds clusters; the demo data set loads only into an empty directory".into(),
        ));
    }
    // The order is the order of the references: CNFI first, since every Taiwanese profile names it
    // as the partner that represents it; then the profiles, which the rest name by slug.
    let cnfi = partner_organisations::insert_cnfi(&txn).await?;
    let clusters = clusters::insert(&txn, &operator, cnfi).await?;
    partner_organisations::link_cnfi_profile(&txn, cnfi, clusters.id("cnfi")?).await?;
    let members = members::insert(&txn, &operator, &clusters).await?;
    let partnerships = partnerships::insert(&txn, &operator, &clusters).await?;
    // The matchmaking events before the stories: CASTRA's story names the meeting it began at.
    let castra_2016 = matchmaking::insert(&txn, &clusters).await?;
    let success_stories = success_stories::insert(&txn, &operator, &clusters, &partnerships, &castra_2016).await?;
    let posts = posts::insert(&txn, &operator, &clusters).await?;
    let accounts = match accounts {
        DemoAccounts::Create => accounts::insert(&txn, cnfi, &clusters).await?,
        DemoAccounts::Skip => 0,
    };
    txn.commit().await?;
    Ok(SeedReport {
        clusters: clusters.len(),
        members,
        partnerships: partnerships.len(),
        success_stories,
        posts,
        partner_organisations: 1,
        accounts,
    })
}

/// The ids of the records written so far, by the key the tables refer to them with (a cluster's
/// slug, a partnership's key).
struct Written {
    what: &'static str,
    ids: HashMap<&'static str, Uuid>,
    count: usize,
}

impl Written {
    fn new(what: &'static str) -> Self {
        Self {
            what,
            ids: HashMap::new(),
            count: 0,
        }
    }

    fn insert(&mut self, key: &'static str, id: Uuid) {
        self.ids.insert(key, id);
        self.count += 1;
    }

    /// A key the tables name but nothing was written for is a mistake in the tables themselves.
    fn id(&self, key: &str) -> AppResult<Uuid> {
        self.ids
            .get(key)
            .copied()
            .ok_or_else(|| AppError::internal(format!("demo data names an unknown {} {key}", self.what)))
    }

    fn len(&self) -> usize {
        self.count
    }
}

fn date(year: i32, month: u32, day: u32) -> AppResult<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| AppError::internal(format!("demo data holds an invalid date {year}-{month}-{day}")))
}

#[cfg(test)]
mod tests {
    use entity::{partner_organisation, taxonomy::ClusterStatus};

    use super::*;

    #[test]
    fn slugs_are_unique_and_referenced_slugs_exist() {
        let mut slugs: Vec<&str> = clusters::all().map(|o| o.slug).collect();
        slugs.sort();
        let before = slugs.len();
        slugs.dedup();
        assert_eq!(before, slugs.len(), "duplicate slug");
        let referenced = members::MEMBERS
            .iter()
            .map(|(s, _)| *s)
            .chain(
                partnerships::PARTNERSHIPS
                    .iter()
                    .flat_map(|p| p.seats.iter().map(|(s, _)| *s)),
            )
            .chain(
                success_stories::SUCCESS_STORIES
                    .iter()
                    .flat_map(|s| s.clusters.iter().copied()),
            );
        for slug in referenced {
            assert!(slugs.contains(&slug), "unknown slug {slug}");
        }
    }

    #[tokio::test]
    async fn loads_once_into_an_empty_database() {
        use migration::{Migrator, MigratorTrait};
        use sea_orm::{ColumnTrait, ConnectOptions, Database, QueryFilter};

        let mut options = ConnectOptions::new("sqlite::memory:");
        options.max_connections(1).sqlx_logging(false);
        let db = Database::connect(options).await.expect("connect");
        Migrator::up(&db, None).await.expect("migrate");
        assert!(is_empty(&db).await.expect("is_empty"));

        let report = load_demo_data(&db, DemoAccounts::Create).await.expect("load");
        let listed_members: usize = members::MEMBERS.iter().map(|(_, m)| m.len()).sum();
        assert_eq!(
            report,
            SeedReport {
                clusters: 32,
                members: listed_members,
                partnerships: 3,
                success_stories: 2,
                posts: 4,
                partner_organisations: 1,
                accounts: 4,
            }
        );
        assert!(!is_empty(&db).await.expect("is_empty"));

        let published_tw = cluster::Entity::find()
            .filter(cluster::Column::Country.eq("TW"))
            .filter(cluster::Column::Status.eq(ClusterStatus::Published))
            .all(&db)
            .await
            .expect("query");
        assert_eq!(published_tw.len(), 14);
        let cnfi = partner_organisation::Entity::find()
            .one(&db)
            .await
            .expect("query")
            .expect("CNFI");
        assert!(published_tw.iter().all(|c| c.represented_by_id == Some(cnfi.id)));
        let own = published_tw.iter().find(|c| c.slug == "cnfi").expect("CNFI profile");
        assert_eq!(cnfi.cluster_id, Some(own.id));
        assert_eq!(own.local_name.as_deref(), Some("中華民國全國工業總會"));

        // A second load writes nothing.
        assert!(matches!(
            load_demo_data(&db, DemoAccounts::Create).await,
            Err(AppError::Conflict(_))
        ));
        assert_eq!(cluster::Entity::find().count(&db).await.expect("count"), 32);
    }
}
