//! Synthetic directories for load tests: `clusterbridge generate --clusters 100000 --seed 7`.
//! The same seed gives the same data (ChaCha8 from the seed). Rows go in with multi-row inserts
//! in large transactions, and every cluster gets its search document, as the API would write it.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use entity::{
    cluster, cluster_ecosystem, cluster_emerging_industry, cluster_target_country, cluster_technology, member,
    partnership, partnership_member, success_story, success_story_cluster,
    taxonomy::{
        ClusterKind, ClusterLabel, ClusterStatus, Ecosystem, EmergingIndustry, InvitationState, MemberKind,
        PartnershipKind, PartnershipRole, PartnershipStatus, SuccessStoryOutcome, SuccessStoryStatus,
    },
};
use rand::{seq::SliceRandom, Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityName, Iterable, Statement,
};
use uuid::Uuid;

use crate::{
    domain::{bulk::insert_chunks, search},
    error::AppResult,
};

mod vocabulary;
use vocabulary::{COMPANY_FORMS, COUNTRIES, MEMBER_WORDS, PLACES, SECTORS, SUFFIXES};

/// What [`generate`] wrote.
#[derive(Debug, Default, Clone, Copy)]
pub struct Generated {
    pub clusters: usize,
    pub members: usize,
    pub partnerships: usize,
    pub success_stories: usize,
}

fn uuid(rng: &mut ChaCha8Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.gen()).into_uuid()
}

/// Fills an empty directory with `count` synthetic clusters (about 20 members each), a
/// partnership per 5 clusters (3–6 members each) and a success story per 2 clusters.
pub async fn generate(db: &DatabaseConnection, count: usize, seed: u64) -> AppResult<Generated> {
    const BATCH: usize = 1_000;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut report = Generated::default();
    let epoch = Utc
        .with_ymd_and_hms(2020, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_else(Utc::now);
    let mut all: Vec<(Uuid, String)> = Vec::with_capacity(count);
    for start in (0..count).step_by(BATCH) {
        let txn = crate::db::begin_write(db).await?;
        let mut clusters = Vec::new();
        let (mut ecosystems, mut emerging, mut technologies, mut target_countries, mut members) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut documents = Vec::new();
        for i in start..(start + BATCH).min(count) {
            let id = uuid(&mut rng);
            let country = *COUNTRIES.choose(&mut rng).unwrap_or(&"DE");
            let (sector, ecosystem, keywords) = SECTORS[rng.gen_range(0..SECTORS.len())];
            let place = PLACES[rng.gen_range(0..PLACES.len())];
            let suffix = SUFFIXES
                .iter()
                .find(|(c, _)| *c == country)
                .map_or("Cluster", |(_, s)| s);
            let name = format!("{place} {sector} {suffix} {i}");
            let mut cluster_ecosystems = vec![ecosystem];
            for _ in 0..rng.gen_range(0..3) {
                let e = Ecosystem::iter()
                    .nth(rng.gen_range(0..14))
                    .unwrap_or(Ecosystem::Digital);
                if !cluster_ecosystems.contains(&e) {
                    cluster_ecosystems.push(e);
                }
            }
            let how_many = rng.gen_range(2..=keywords.len().min(4));
            let mut keys: Vec<String> = keywords
                .choose_multiple(&mut rng, how_many)
                .map(|k| k.to_string())
                .collect();
            let (_, _, other) = SECTORS[rng.gen_range(0..SECTORS.len())];
            if let Some(extra) = other.choose(&mut rng) {
                if !keys.iter().any(|k| k == extra) {
                    keys.push(extra.to_string());
                }
            }
            let total = rng.gen_range(15..400);
            let sme = rng.gen_range(0..=total / 2);
            let research = rng.gen_range(0..=(total - sme) / 4);
            let label = *[
                ClusterLabel::None,
                ClusterLabel::None,
                ClusterLabel::Bronze,
                ClusterLabel::Silver,
                ClusterLabel::Gold,
            ]
            .choose(&mut rng)
            .unwrap_or(&ClusterLabel::None);
            let created = epoch + Duration::minutes(i as i64);
            let description = format!(
                "{name} connects {total} organisations in {place} working on {}. Its members cooperate on {} and look for partners abroad.",
                keys.join(", "),
                sector.to_lowercase()
            );
            let model = cluster::Model {
                id,
                slug: format!("generated-{i}"),
                name: name.clone(),
                local_name: None,
                acronym: Some(format!("{}{}C{i}", &place[..1], &sector[..1])),
                kind: if rng.gen_bool(0.8) {
                    ClusterKind::ClusterOrganisation
                } else {
                    ClusterKind::IndustryAssociation
                },
                country: country.into(),
                region: Some(format!("{place} region")),
                city: None,
                website: Some(format!("https://cluster-{i}.example.org")),
                description: Some(description),
                language: "en".into(),
                founded_year: Some(rng.gen_range(1990..2025)),
                management_staff: None,
                members_total: total,
                members_sme: sme,
                members_start_up: 0,
                members_large_company: 0,
                members_research: research,
                members_other: total - sme - research,
                label,
                label_expires_on: (label != ClusterLabel::None)
                    .then(|| NaiveDate::from_ymd_opt(2028, 12, 31))
                    .flatten(),
                status: if rng.gen_bool(0.95) {
                    ClusterStatus::Published
                } else {
                    ClusterStatus::Draft
                },
                represented_by_id: None,
                contact_person: None,
                contact_email: Some(format!("info@cluster-{i}.example.org")),
                contact_phone: None,
                latitude: None,
                longitude: None,
                review_note: None,
                external_id: None,
                version: 1,
                created_at: created,
                updated_at: created,
            };
            let mut member_names = Vec::new();
            for m in 0..20 {
                let member_name = format!(
                    "{} {} {}",
                    MEMBER_WORDS[rng.gen_range(0..MEMBER_WORDS.len())],
                    MEMBER_WORDS[rng.gen_range(0..MEMBER_WORDS.len())],
                    COMPANY_FORMS[rng.gen_range(0..COMPANY_FORMS.len())]
                );
                member_names.push(member_name.clone());
                members.push(member::ActiveModel {
                    id: Set(uuid(&mut rng)),
                    cluster_id: Set(id),
                    name: Set(member_name),
                    kind: Set(if m % 5 == 0 {
                        MemberKind::ResearchOrganisation
                    } else {
                        MemberKind::Sme
                    }),
                    country: Set(country.into()),
                    website: Set(None),
                    created_at: Set(created),
                    updated_at: Set(created),
                });
            }
            documents.push((id, search::document(&model, &[], &keys, &member_names)));
            for e in &cluster_ecosystems {
                ecosystems.push(cluster_ecosystem::ActiveModel {
                    cluster_id: Set(id),
                    ecosystem: Set(*e),
                });
            }
            if rng.gen_bool(0.5) {
                let industry = EmergingIndustry::iter()
                    .nth(rng.gen_range(0..10))
                    .unwrap_or(EmergingIndustry::DigitalIndustries);
                emerging.push(cluster_emerging_industry::ActiveModel {
                    cluster_id: Set(id),
                    emerging_industry: Set(industry),
                });
            }
            for k in keys {
                technologies.push(cluster_technology::ActiveModel {
                    cluster_id: Set(id),
                    keyword: Set(k),
                });
            }
            let how_many = rng.gen_range(0..3);
            for c in COUNTRIES.choose_multiple(&mut rng, how_many).filter(|c| **c != country) {
                target_countries.push(cluster_target_country::ActiveModel {
                    cluster_id: Set(id),
                    country: Set((*c).into()),
                });
            }
            all.push((id, country.into()));
            clusters.push(cluster::ActiveModel::from(model));
        }
        report.clusters += clusters.len();
        report.members += members.len();
        insert_chunks(&txn, clusters).await?;
        insert_chunks(&txn, ecosystems).await?;
        insert_chunks(&txn, emerging).await?;
        insert_chunks(&txn, technologies).await?;
        insert_chunks(&txn, target_countries).await?;
        insert_chunks(&txn, members).await?;
        store_documents(&txn, documents).await?;
        txn.commit().await?;
    }

    let txn = crate::db::begin_write(db).await?;
    let (mut partnerships, mut seats) = (Vec::new(), Vec::new());
    for p in 0..count / 5 {
        let id = uuid(&mut rng);
        let (sector, _, _) = SECTORS[rng.gen_range(0..SECTORS.len())];
        partnerships.push(partnership::ActiveModel {
            id: Set(id),
            name: Set(format!("{sector} Partnership {p}")),
            acronym: Set(None),
            kind: Set(*[
                PartnershipKind::Escp4i,
                PartnershipKind::EscpS3,
                PartnershipKind::Eurocluster,
                PartnershipKind::Mou,
            ]
            .choose(&mut rng)
            .unwrap_or(&PartnershipKind::Mou)),
            description: Set(None),
            starts_on: Set(NaiveDate::from_ymd_opt(2023, 1, 1)),
            ends_on: Set(None),
            funding_programme: Set(None),
            funding_eur: Set(None),
            status: Set(if rng.gen_bool(0.7) {
                PartnershipStatus::Active
            } else {
                PartnershipStatus::Completed
            }),
            version: Set(1),
            created_at: Set(epoch),
            updated_at: Set(epoch),
        });
        let how_many = rng.gen_range(3..=6);
        let chosen: Vec<&(Uuid, String)> = all.choose_multiple(&mut rng, how_many).collect();
        for (n, (cluster_id, _)) in chosen.into_iter().enumerate() {
            seats.push(partnership_member::ActiveModel {
                partnership_id: Set(id),
                cluster_id: Set(*cluster_id),
                role: Set(if n == 0 {
                    PartnershipRole::Coordinator
                } else {
                    PartnershipRole::Partner
                }),
                invitation_state: Set(InvitationState::Accepted),
                joined_at: Set(epoch),
                invited_by: Set(None),
            });
        }
    }
    report.partnerships = partnerships.len();
    insert_chunks(&txn, partnerships).await?;
    insert_chunks(&txn, seats).await?;
    let (mut stories, mut involved) = (Vec::new(), Vec::new());
    for s in 0..count / 2 {
        let id = uuid(&mut rng);
        stories.push(success_story::ActiveModel {
            id: Set(id),
            title: Set(format!("Cooperation story {s}")),
            summary: Set("Two clusters met at a matchmaking event and started a joint project.".into()),
            body: Set(None),
            language: Set("en".into()),
            outcome: Set(*[
                SuccessStoryOutcome::Mou,
                SuccessStoryOutcome::JointRAndD,
                SuccessStoryOutcome::Trade,
            ]
            .choose(&mut rng)
            .unwrap_or(&SuccessStoryOutcome::Mou)),
            began_in: Set(Some(rng.gen_range(2016..2026))),
            partnership_id: Set(None),
            meeting_id: Set(None),
            matchmaking_event_id: Set(None),
            // Generated stories stand for a published directory.
            status: Set(SuccessStoryStatus::Published),
            author_id: Set(None),
            submitted_at: Set(Some(epoch)),
            published_at: Set(Some(epoch)),
            published_by: Set(None),
            moderation_note: Set(None),
            version: Set(1),
            created_at: Set(epoch),
            updated_at: Set(epoch),
        });
        for (cluster_id, _) in all.choose_multiple(&mut rng, 2) {
            involved.push(success_story_cluster::ActiveModel {
                success_story_id: Set(id),
                cluster_id: Set(*cluster_id),
                confirmed: Set(true),
            });
        }
    }
    report.success_stories = stories.len();
    insert_chunks(&txn, stories).await?;
    insert_chunks(&txn, involved).await?;
    txn.commit().await?;
    // Fresh statistics, so the planner sees the new sizes at once rather than after autovacuum
    // (and on PostgreSQL, a visibility map for index-only scans). Only the tables written here:
    // the database may hold other schemas (tests run side by side in one), whose tables are not
    // ours to vacuum and may be dropped meanwhile.
    match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let tables = [
                cluster::Entity.table_name(),
                cluster_ecosystem::Entity.table_name(),
                cluster_emerging_industry::Entity.table_name(),
                cluster_technology::Entity.table_name(),
                cluster_target_country::Entity.table_name(),
                member::Entity.table_name(),
                partnership::Entity.table_name(),
                partnership_member::Entity.table_name(),
                success_story::Entity.table_name(),
                success_story_cluster::Entity.table_name(),
                entity::cluster_search::Entity.table_name(),
                entity::search_term::Entity.table_name(),
            ];
            db.execute_unprepared(&format!("VACUUM ANALYZE {}", tables.join(", ")))
                .await?
        }
        _ => db.execute_unprepared("ANALYZE").await?,
    };
    Ok(report)
}

async fn store_documents<C: ConnectionTrait>(db: &C, documents: Vec<(Uuid, String)>) -> AppResult<()> {
    let vocabulary: std::collections::BTreeSet<String> = documents.iter().flat_map(|(_, d)| search::terms(d)).collect();
    search::remember_terms(db, vocabulary).await?;
    let rows = documents
        .iter()
        .map(|(id, document)| entity::cluster_search::ActiveModel {
            cluster_id: Set(*id),
            document: Set(document.clone()),
        })
        .collect();
    insert_chunks(db, rows).await?;
    if db.get_database_backend() == DatabaseBackend::Sqlite {
        // The same rows `search::store` writes, for this batch of documents at once: keys for the
        // documents that have none yet, then their rows in the full-text index.
        let before = db
            .query_one_raw(Statement::from_string(
                DatabaseBackend::Sqlite,
                "SELECT COALESCE(MAX(fts_rowid), 0) AS last FROM cluster_search_fts_key",
            ))
            .await?
            .map(|row| row.try_get::<i64>("", "last"))
            .transpose()?
            .unwrap_or(0);
        db.execute_unprepared(
            "INSERT INTO cluster_search_fts_key (cluster_id) SELECT cluster_id FROM cluster_search \
             WHERE cluster_id NOT IN (SELECT cluster_id FROM cluster_search_fts_key)",
        )
        .await?;
        db.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Sqlite,
            "INSERT INTO cluster_search_fts (rowid, document) SELECT k.fts_rowid, s.document \
             FROM cluster_search_fts_key k JOIN cluster_search s ON s.cluster_id = k.cluster_id WHERE k.fts_rowid > ?",
            [before.into()],
        ))
        .await?;
    }
    Ok(())
}
