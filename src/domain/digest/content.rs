//! What a week's digest is made of, loaded from the database: posts published in the week (NEWS;
//! EVENT posts that start after it; CALL posts still open after it), success stories, partnerships
//! and partner searches of the week. Only what an anonymous reader sees: published posts of
//! published clusters, stories with a confirmed published cluster, partnerships with an accepted
//! published member, open partner searches of published clusters. Each item keeps every language
//! it is written in and the topics it is about, so each subscriber's digest is cut from it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use entity::{
    cluster, cluster_ecosystem, partner_search, partner_search_country, partner_search_ecosystem, partnership,
    partnership_ecosystem, partnership_member, post, post_country, post_ecosystem, post_translation,
    success_story_cluster, success_story_translation,
    taxonomy::{InvitationState, PostKind},
};
use sea_orm::{
    sea_query::{Query, SelectStatement},
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::week::Week;
use crate::{
    domain::{
        policy::{PostVisibility, Visibility},
        success_story,
    },
    error::AppResult,
};

/// Most items of one section: a digest is a mail, not an archive; the newest are kept.
pub const SECTION_MAX: u64 = 50;
/// A summary longer than this is cut at a word.
const SUMMARY_CHARS: usize = 300;

/// The sections of a digest, in the order it shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Section {
    News,
    Event,
    Call,
    SuccessStory,
    Partnership,
    PartnerSearch,
}

impl Section {
    pub const ALL: [Section; 6] = [
        Section::News,
        Section::Event,
        Section::Call,
        Section::SuccessStory,
        Section::Partnership,
        Section::PartnerSearch,
    ];

    /// The post kind (`NEWS`, `EVENT`, `CALL`) of a section of posts: the value of a subscriber's
    /// POST_KIND topics.
    pub fn post_kind(self) -> Option<&'static str> {
        match self {
            Section::News => Some("NEWS"),
            Section::Event => Some("EVENT"),
            Section::Call => Some("CALL"),
            _ => None,
        }
    }
}

/// An item's title and summary in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// A BCP 47 tag in canonical form.
    pub language: String,
    pub title: String,
    pub summary: Option<String>,
}

/// One thing published in the week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub section: Section,
    pub id: Uuid,
    /// The primary text first, then its translations.
    pub texts: Vec<Text>,
    /// Ecosystem codes it is about.
    pub ecosystems: Vec<String>,
    /// Countries it is about or comes from (ISO 3166-1 alpha-2).
    pub countries: Vec<String>,
    /// An event's start, a call's deadline, a partner search's expiry.
    pub when: Option<DateTime<Utc>>,
    pub place: Option<String>,
    /// Where to read more (the post's own link, an event's registration page).
    pub link: Option<String>,
}

fn summary(text: Option<&str>) -> Option<String> {
    let text = text?.trim();
    if text.is_empty() {
        return None;
    }
    if text.chars().count() <= SUMMARY_CHARS {
        return Some(text.to_owned());
    }
    let cut: String = text.chars().take(SUMMARY_CHARS).collect();
    let cut = cut
        .rsplit_once(char::is_whitespace)
        .map_or(cut.as_str(), |(head, _)| head);
    Some(format!("{}…", cut.trim_end()))
}

fn code<E: ActiveEnum<Value = String>>(value: &E) -> String {
    value.to_value()
}

/// The ids of the clusters an anonymous reader sees.
fn public_clusters() -> SelectStatement {
    Query::select()
        .column(cluster::Column::Id)
        .from(cluster::Entity)
        .cond_where(Visibility::public().condition())
        .to_owned()
}

/// Everything of the week, section by section.
pub async fn load<C: ConnectionTrait>(db: &C, week: Week) -> AppResult<Vec<Item>> {
    let mut items = posts(db, week).await?;
    items.extend(success_stories(db, week).await?);
    items.extend(partnerships(db, week).await?);
    items.extend(partner_searches(db, week).await?);
    Ok(items)
}

async fn posts<C: ConnectionTrait>(db: &C, week: Week) -> AppResult<Vec<Item>> {
    let (from, to) = (week.starts_at(), week.ends_at());
    let visible = PostVisibility::of(None).published();
    let mut found = Vec::new();
    for (kind, still) in [
        (PostKind::News, Condition::all()),
        // Upcoming: it starts after the week, so a reader of the digest can still go.
        (PostKind::Event, Condition::all().add(post::Column::StartsAt.gte(to))),
        // Open: its deadline is after the week.
        (PostKind::Call, Condition::all().add(post::Column::Deadline.gte(to))),
    ] {
        let mut select = post::Entity::find()
            .filter(visible.clone())
            .filter(post::Column::Kind.eq(kind))
            .filter(post::Column::PublishedAt.gte(from))
            .filter(post::Column::PublishedAt.lt(to))
            .filter(still);
        select = match kind {
            PostKind::News => select.order_by_desc(post::Column::PublishedAt),
            PostKind::Event => select.order_by_asc(post::Column::StartsAt),
            PostKind::Call => select.order_by_asc(post::Column::Deadline),
        };
        found.extend(select.order_by_asc(post::Column::Id).limit(SECTION_MAX).all(db).await?);
    }
    let ids: Vec<Uuid> = found.iter().map(|p| p.id).collect();
    let mut ecosystems = BTreeMap::<Uuid, Vec<String>>::new();
    for row in post_ecosystem::Entity::find()
        .filter(post_ecosystem::Column::PostId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        ecosystems.entry(row.post_id).or_default().push(code(&row.ecosystem));
    }
    let mut countries = BTreeMap::<Uuid, BTreeSet<String>>::new();
    for row in post_country::Entity::find()
        .filter(post_country::Column::PostId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        countries.entry(row.post_id).or_default().insert(row.country);
    }
    let cluster_ids: BTreeSet<Uuid> = found.iter().map(|p| p.cluster_id).collect();
    let cluster_country: BTreeMap<Uuid, String> = cluster::Entity::find()
        .filter(cluster::Column::Id.is_in(cluster_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.country))
        .collect();
    let mut translations = BTreeMap::<Uuid, Vec<Text>>::new();
    for row in post_translation::Entity::find()
        .filter(post_translation::Column::PostId.is_in(ids))
        .order_by_asc(post_translation::Column::Language)
        .all(db)
        .await?
    {
        translations.entry(row.post_id).or_default().push(Text {
            language: row.language,
            title: row.title,
            summary: summary(row.summary.as_deref()),
        });
    }
    Ok(found
        .into_iter()
        .map(|p| {
            let mut about = countries.remove(&p.id).unwrap_or_default();
            about.extend(cluster_country.get(&p.cluster_id).cloned());
            let mut texts = vec![Text {
                language: p.language.clone(),
                title: p.title.clone(),
                summary: summary(p.summary.as_deref()),
            }];
            texts.extend(translations.remove(&p.id).unwrap_or_default());
            let (section, when) = match p.kind {
                PostKind::News => (Section::News, None),
                PostKind::Event => (Section::Event, p.starts_at),
                PostKind::Call => (Section::Call, p.deadline),
            };
            Item {
                section,
                id: p.id,
                texts,
                ecosystems: ecosystems.remove(&p.id).unwrap_or_default(),
                countries: about.into_iter().collect(),
                when,
                place: p.place.clone(),
                link: p.link.clone().or(p.registration_url.clone()).or(p.online_url.clone()),
            }
        })
        .collect())
}

/// The ecosystems and countries of public clusters, by cluster.
async fn cluster_topics<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = Uuid>,
) -> AppResult<BTreeMap<Uuid, (Vec<String>, String)>> {
    let ids: Vec<Uuid> = ids.into_iter().collect();
    let clusters = cluster::Entity::find()
        .filter(cluster::Column::Id.is_in(ids.clone()))
        .filter(Visibility::public().condition())
        .all(db)
        .await?;
    let mut ecosystems = BTreeMap::<Uuid, Vec<String>>::new();
    for row in cluster_ecosystem::Entity::find()
        .filter(cluster_ecosystem::Column::ClusterId.is_in(ids))
        .all(db)
        .await?
    {
        ecosystems.entry(row.cluster_id).or_default().push(code(&row.ecosystem));
    }
    Ok(clusters
        .into_iter()
        .map(|c| (c.id, (ecosystems.remove(&c.id).unwrap_or_default(), c.country)))
        .collect())
}

fn sorted(values: impl IntoIterator<Item = String>) -> Vec<String> {
    values.into_iter().collect::<BTreeSet<_>>().into_iter().collect()
}

/// Success stories first published in the week (the story workflow's `published_between`),
/// shown when at least one involved public cluster confirmed it, newest first; about those
/// clusters' ecosystems and countries, in the story's languages.
async fn success_stories<C: ConnectionTrait>(db: &C, week: Week) -> AppResult<Vec<Item>> {
    let mut stories = success_story::published_between(db, week.starts_at(), week.ends_at()).await?;
    stories.reverse();
    let ids: Vec<Uuid> = stories.iter().map(|s| s.id).collect();
    let links = success_story_cluster::Entity::find()
        .filter(success_story_cluster::Column::SuccessStoryId.is_in(ids.clone()))
        .filter(success_story_cluster::Column::Confirmed.eq(true))
        .all(db)
        .await?;
    let mut translations = BTreeMap::<Uuid, Vec<Text>>::new();
    for t in success_story_translation::Entity::find()
        .filter(success_story_translation::Column::SuccessStoryId.is_in(ids))
        .all(db)
        .await?
    {
        translations.entry(t.success_story_id).or_default().push(Text {
            language: t.language,
            title: t.title,
            summary: summary(Some(&t.summary)),
        });
    }
    let topics = cluster_topics(db, links.iter().map(|l| l.cluster_id)).await?;
    Ok(stories
        .into_iter()
        .filter_map(|s| {
            let involved: Vec<_> = links
                .iter()
                .filter(|l| l.success_story_id == s.id)
                .filter_map(|l| topics.get(&l.cluster_id))
                .collect();
            if involved.is_empty() {
                return None;
            }
            let mut texts = vec![Text {
                language: s.language,
                title: s.title,
                summary: summary(Some(&s.summary)),
            }];
            texts.extend(translations.remove(&s.id).unwrap_or_default());
            Some(Item {
                section: Section::SuccessStory,
                id: s.id,
                texts,
                ecosystems: sorted(involved.iter().flat_map(|(e, _)| e.iter().cloned())),
                countries: sorted(involved.iter().map(|(_, c)| c.clone())),
                when: None,
                place: None,
                link: None,
            })
        })
        .take(SECTION_MAX as usize)
        .collect())
}

/// Partnerships founded in the week with at least one accepted public member; about their focus
/// ecosystems and their members' countries.
async fn partnerships<C: ConnectionTrait>(db: &C, week: Week) -> AppResult<Vec<Item>> {
    let members_in_public = Query::select()
        .column(partnership_member::Column::PartnershipId)
        .from(partnership_member::Entity)
        .and_where(partnership_member::Column::InvitationState.eq(InvitationState::Accepted))
        .and_where(partnership_member::Column::ClusterId.in_subquery(public_clusters()))
        .to_owned();
    let found = partnership::Entity::find()
        .filter(partnership::Column::CreatedAt.gte(week.starts_at()))
        .filter(partnership::Column::CreatedAt.lt(week.ends_at()))
        .filter(partnership::Column::Id.in_subquery(members_in_public))
        .order_by_desc(partnership::Column::CreatedAt)
        .order_by_asc(partnership::Column::Id)
        .limit(SECTION_MAX)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = found.iter().map(|p| p.id).collect();
    let mut ecosystems = BTreeMap::<Uuid, Vec<String>>::new();
    for row in partnership_ecosystem::Entity::find()
        .filter(partnership_ecosystem::Column::PartnershipId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        ecosystems
            .entry(row.partnership_id)
            .or_default()
            .push(code(&row.ecosystem));
    }
    let members = partnership_member::Entity::find()
        .filter(partnership_member::Column::PartnershipId.is_in(ids))
        .filter(partnership_member::Column::InvitationState.eq(InvitationState::Accepted))
        .all(db)
        .await?;
    let topics = cluster_topics(db, members.iter().map(|m| m.cluster_id)).await?;
    Ok(found
        .into_iter()
        .map(|p| {
            let countries = members
                .iter()
                .filter(|m| m.partnership_id == p.id)
                .filter_map(|m| topics.get(&m.cluster_id).map(|(_, country)| country.clone()));
            let title = match &p.acronym {
                Some(acronym) => format!("{} ({acronym})", p.name),
                None => p.name.clone(),
            };
            Item {
                section: Section::Partnership,
                id: p.id,
                texts: vec![Text {
                    language: "en".into(),
                    title,
                    summary: summary(p.description.as_deref()),
                }],
                ecosystems: ecosystems.remove(&p.id).unwrap_or_default(),
                countries: sorted(countries),
                when: None,
                place: None,
                link: None,
            }
        })
        .collect())
}

/// Partner searches posted in the week by public clusters and still open after it; about their
/// ecosystems, their cluster's country and their target countries.
async fn partner_searches<C: ConnectionTrait>(db: &C, week: Week) -> AppResult<Vec<Item>> {
    let found = partner_search::Entity::find()
        .filter(partner_search::Column::CreatedAt.gte(week.starts_at()))
        .filter(partner_search::Column::CreatedAt.lt(week.ends_at()))
        .filter(partner_search::Column::ExpiresOn.gte(week.ends_at().date_naive()))
        .filter(partner_search::Column::ClusterId.in_subquery(public_clusters()))
        .order_by_desc(partner_search::Column::CreatedAt)
        .order_by_asc(partner_search::Column::Id)
        .limit(SECTION_MAX)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = found.iter().map(|s| s.id).collect();
    let mut ecosystems = BTreeMap::<Uuid, Vec<String>>::new();
    for row in partner_search_ecosystem::Entity::find()
        .filter(partner_search_ecosystem::Column::PartnerSearchId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        ecosystems
            .entry(row.partner_search_id)
            .or_default()
            .push(code(&row.ecosystem));
    }
    let mut countries = BTreeMap::<Uuid, Vec<String>>::new();
    for row in partner_search_country::Entity::find()
        .filter(partner_search_country::Column::PartnerSearchId.is_in(ids))
        .all(db)
        .await?
    {
        countries.entry(row.partner_search_id).or_default().push(row.country);
    }
    let topics = cluster_topics(db, found.iter().map(|s| s.cluster_id)).await?;
    Ok(found
        .into_iter()
        .map(|s| {
            let mut about = countries.remove(&s.id).unwrap_or_default();
            about.extend(topics.get(&s.cluster_id).map(|(_, c)| c.clone()));
            Item {
                section: Section::PartnerSearch,
                id: s.id,
                texts: vec![Text {
                    language: "en".into(),
                    title: s.title,
                    summary: summary(Some(&s.description)),
                }],
                ecosystems: ecosystems.remove(&s.id).unwrap_or_default(),
                countries: sorted(about),
                when: Some(s.expires_on.and_time(chrono::NaiveTime::MIN).and_utc()),
                place: None,
                link: None,
            }
        })
        .collect())
}
