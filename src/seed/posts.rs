//! The posts of the demo data and the step that writes them: from the 2018 article, the EU
//! Innovation Week in Taipei (from 4 June 2018) and the Taiwan-EU Cluster Cooperation Seminar
//! (the morning of 5 June 2018, with the matchmaking session in the afternoon) as EVENTs, and the
//! 2018 Taiwan–EU cluster cooperation agreement as NEWS; and one invented CALL, open in 2027.
//!
//! Demo assumptions, not in the article: the Innovation Week's end (8 June), the seminar's hours
//! (09:00–12:00 Taipei time), the day the agreement's news went out (the seminar's), the moments
//! each post was published, and the whole call, whose texts say it is invented.

use chrono::{DateTime, TimeZone, Utc};
use entity::taxonomy::{Ecosystem as E, PostKind};
use sea_orm::DatabaseTransaction;

use super::Written;
use crate::auth::Principal;
use crate::domain::post::{self as posts, NewPost};
use crate::error::{AppError, AppResult};

/// One post of the table below; its cluster by slug, moments in UTC as (y, m, d, h, min).
pub(super) struct PostRecord {
    cluster: &'static str,
    kind: PostKind,
    title: &'static str,
    summary: &'static str,
    body: &'static str,
    starts_at: Option<Moment>,
    ends_at: Option<Moment>,
    place: Option<&'static str>,
    deadline: Option<Moment>,
    funding: Option<&'static str>,
    eligibility: Option<&'static str>,
    link: Option<&'static str>,
    ecosystems: &'static [E],
    countries: &'static [&'static str],
    published_at: Moment,
}

type Moment = (i32, u32, u32, u32, u32);

fn at((year, month, day, hour, minute): Moment) -> AppResult<DateTime<Utc>> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
        .single()
        .ok_or_else(|| AppError::internal(format!("demo data holds an invalid moment {year}-{month}-{day}")))
}

/// Writes every post, published as of its moment, and returns how many.
pub(super) async fn insert(db: &DatabaseTransaction, operator: &Principal, clusters: &Written) -> AppResult<usize> {
    for record in POSTS {
        let new = NewPost {
            title: record.title.to_owned(),
            summary: Some(record.summary.to_owned()),
            body_markdown: record.body.to_owned(),
            image_url: None,
            starts_at: record.starts_at.map(at).transpose()?,
            ends_at: record.ends_at.map(at).transpose()?,
            place: record.place.map(str::to_owned),
            online_url: None,
            registration_url: None,
            deadline: record.deadline.map(at).transpose()?,
            funding: record.funding.map(str::to_owned),
            eligibility: record.eligibility.map(str::to_owned),
            link: record.link.map(str::to_owned),
            ecosystems: record.ecosystems.to_vec(),
            countries: record.countries.iter().map(|c| c.to_string()).collect(),
            language: None,
        };
        let post = posts::create(db, operator, clusters.id(record.cluster)?, record.kind, new).await?;
        posts::publish_dated(db, operator, post.id, post.version, at(record.published_at)?).await?;
    }
    Ok(POSTS.len())
}

pub(super) const POSTS: &[PostRecord] = &[
    PostRecord {
        cluster: "cnfi",
        kind: PostKind::Event,
        title: "2018 EU Innovation Week in Taipei",
        summary: "The EU Innovation Week returns to Taiwan from 4 June 2018, with an EU delegation led by \
            DG GROW deputy director-general Antti Peltomäki.",
        body: "The **EU Innovation Week** (歐盟創新週), held in Taiwan since 2016, opens in Taipei on \
            **4 June 2018**.\n\nThe EU delegation is led by Antti Peltomäki, deputy director-general of the \
            European Commission's DG GROW (歐盟成長總署). The week continues the Taiwan–EU industry dialogue \
            held since 2015.\n\nSee the [European Cluster Collaboration Platform](https://clustercollaboration.eu) \
            for the programme.",
        starts_at: Some((2018, 6, 4, 0, 0)),
        ends_at: Some((2018, 6, 8, 10, 0)),
        place: Some("Taipei"),
        deadline: None,
        funding: None,
        eligibility: None,
        link: Some("https://clustercollaboration.eu"),
        ecosystems: &[],
        countries: &["TW"],
        published_at: (2018, 5, 21, 2, 0),
    },
    PostRecord {
        cluster: "cnfi",
        kind: PostKind::Event,
        title: "Taiwan-EU Cluster Cooperation Seminar",
        summary: "CNFI and ECCP co-organise a seminar of 17 EU clusters and 17 Taiwanese associations on the \
            morning of 5 June 2018, followed by a matchmaking session.",
        body: "On the morning of **5 June 2018**, the Chinese National Federation of Industries \
            (中華民國全國工業總會) and the European Cluster Collaboration Platform co-organise the \
            *Taiwan-EU Cluster Cooperation Seminar* (台歐盟產業聚落合作研討會).\n\n17 EU clusters \
            (5G, smart manufacturing, wind energy, circular economy and more) and 17 Taiwanese associations \
            introduce themselves and share success stories.\n\nIn the afternoon, a **matchmaking session** \
            gives every cluster one-to-one meetings.",
        starts_at: Some((2018, 6, 5, 1, 0)),
        ends_at: Some((2018, 6, 5, 4, 0)),
        place: Some("Taipei"),
        deadline: None,
        funding: None,
        eligibility: None,
        link: None,
        ecosystems: &[E::Digital, E::EnergyRenewables, E::Electronics],
        countries: &["TW"],
        published_at: (2018, 5, 28, 2, 0),
    },
    PostRecord {
        cluster: "cnfi",
        kind: PostKind::News,
        title: "Taiwan–EU cluster cooperation agreement signed",
        summary: "Taiwanese and European clusters signed a cooperation agreement in 2018: exchange visits and \
            joint meetings.",
        body: "The **Taiwan–EU cluster cooperation agreement** (台歐盟產業聚落合作協議) was signed in 2018.\n\n\
            The signatories keep up exchange visits and joint meetings between Taiwanese and European \
            clusters. At the matchmaking session of 5 June 2018, clusters held more than 70 meetings, on \
            average more than 4 different meetings each.",
        starts_at: None,
        ends_at: None,
        place: None,
        deadline: None,
        funding: None,
        eligibility: None,
        link: None,
        ecosystems: &[],
        countries: &["TW"],
        published_at: (2018, 6, 5, 9, 0),
    },
    PostRecord {
        cluster: "cnfi",
        kind: PostKind::Call,
        title: "Demo call: Taiwan–EU cluster cooperation projects 2027",
        summary: "Demo data: an invented call for joint projects of Taiwanese and European clusters, open until \
            31 March 2027.",
        body: "Demo data: an invented call.\n\nTaiwanese associations and European cluster organisations may \
            propose **joint projects** (exchange visits, joint R&D, market studies) that build on the 2018 \
            cooperation agreement.\n\nProposals name at least one Taiwanese and one European cluster.",
        starts_at: None,
        ends_at: None,
        place: None,
        deadline: Some((2027, 3, 31, 15, 0)),
        funding: Some("Demo data: up to EUR 60,000 per project, for travel, meetings and studies."),
        eligibility: Some(
            "Demo data: cluster organisations registered on the platform, one Taiwanese and one European \
             at least.",
        ),
        link: Some("https://calls.example.eu/taiwan-eu-2027"),
        ecosystems: &[E::Digital, E::Electronics, E::Health],
        countries: &["TW"],
        published_at: (2026, 11, 30, 8, 0),
    },
];
