//! What a client writes on a cluster profile, and the rules it must meet: well-formed fields
//! (every bad one named at once), and for publication the platform's membership rules.

use chrono::NaiveDate;
use entity::{
    cluster,
    taxonomy::{ClusterKind, ClusterLabel, ClusterStatus, Ecosystem, EmergingIndustry, StaffBand},
};
use uuid::Uuid;

use super::lists::ClusterLists;
use crate::{
    domain::{
        audit::changed_fields,
        locale::{LanguageTag, LANGUAGE_HINT},
        validation::{Checker, ACRONYM_MAX, NAME_MAX, SHORT_MAX, TEXT_MAX},
    },
    error::{AppResult, FieldError},
};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemberCounts {
    pub total: i32,
    pub sme: i32,
    pub start_up: i32,
    pub large_company: i32,
    pub research: i32,
    pub other: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub person: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// Everything a client may write on a cluster profile.
#[derive(Debug, Clone)]
pub struct ClusterProfile {
    pub slug: Option<String>,
    pub name: String,
    pub local_name: Option<String>,
    pub acronym: Option<String>,
    pub kind: ClusterKind,
    pub country: String,
    pub region: Option<String>,
    pub city: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
    /// The language `description` is written in: a BCP 47 tag, canonical once validated.
    pub language: String,
    pub founded_year: Option<i32>,
    pub management_staff: Option<StaffBand>,
    pub member_counts: MemberCounts,
    pub ecosystems: Vec<Ecosystem>,
    pub emerging_industries: Vec<EmergingIndustry>,
    pub technologies: Vec<String>,
    /// Target countries: those the cluster seeks partners in.
    pub target_countries: Vec<String>,
    pub label: ClusterLabel,
    pub label_expires_on: Option<NaiveDate>,
    pub status: ClusterStatus,
    pub represented_by_id: Option<Uuid>,
    pub contact: Contact,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

impl ClusterProfile {
    /// A new profile with the required fields; everything else empty.
    pub fn new(name: String, kind: ClusterKind, country: String) -> Self {
        Self {
            slug: None,
            name,
            local_name: None,
            acronym: None,
            kind,
            country,
            region: None,
            city: None,
            website: None,
            description: None,
            language: "en".into(),
            founded_year: None,
            management_staff: None,
            member_counts: MemberCounts::default(),
            ecosystems: Vec::new(),
            emerging_industries: Vec::new(),
            technologies: Vec::new(),
            target_countries: Vec::new(),
            label: ClusterLabel::None,
            label_expires_on: None,
            status: ClusterStatus::Draft,
            represented_by_id: None,
            contact: Contact::default(),
            latitude: None,
            longitude: None,
        }
    }

    /// Checks and normalises the whole profile, naming every bad field.
    pub fn validate(&mut self) -> AppResult<()> {
        let mut check = Checker::new();
        check.name("name", &mut self.name, NAME_MAX);
        check.optional_name("localName", &mut self.local_name, NAME_MAX);
        check.optional_name("acronym", &mut self.acronym, ACRONYM_MAX);
        if let Some(slug) = &mut self.slug {
            *slug = slug.trim().to_owned();
            if !is_slug(slug) {
                check.fail("slug", "must be 1–120 lower-case letters, digits and single hyphens");
            }
        }
        check.country("country", &mut self.country);
        check.optional_name("region", &mut self.region, SHORT_MAX);
        check.optional_name("city", &mut self.city, SHORT_MAX);
        check.optional_url("website", &mut self.website);
        check.optional_text("description", &mut self.description, TEXT_MAX);
        match LanguageTag::parse(&self.language) {
            Some(tag) => self.language = tag.to_string(),
            None => check.fail("language", LANGUAGE_HINT),
        }
        check.optional_year("foundedYear", self.founded_year);
        let c = self.member_counts;
        for (field, value) in [
            ("memberCounts.total", c.total),
            ("memberCounts.sme", c.sme),
            ("memberCounts.startUp", c.start_up),
            ("memberCounts.largeCompany", c.large_company),
            ("memberCounts.research", c.research),
            ("memberCounts.other", c.other),
        ] {
            check.count(field, value);
        }
        let parts = [c.sme, c.start_up, c.large_company, c.research, c.other]
            .iter()
            .map(|&n| i64::from(n.max(0)))
            .sum::<i64>();
        if c.total >= 0 && parts > i64::from(c.total) {
            check.fail("memberCounts.total", "must be at least the sum of the member kinds");
        }
        self.ecosystems.sort();
        self.ecosystems.dedup();
        self.emerging_industries.sort();
        self.emerging_industries.dedup();
        check.keywords("technologies", &mut self.technologies);
        check.countries("targetCountries", &mut self.target_countries);
        if self.label == ClusterLabel::None && self.label_expires_on.is_some() {
            check.fail("labelExpiresOn", "only a labelled cluster has a label expiry");
        }
        check.optional_name("contact.person", &mut self.contact.person, NAME_MAX);
        check.optional_email("contact.email", &mut self.contact.email);
        check.optional_name("contact.phone", &mut self.contact.phone, ACRONYM_MAX);
        if self.latitude.is_some() != self.longitude.is_some() {
            check.fail("location", "give both latitude and longitude, or neither");
        }
        if self.latitude.is_some_and(|v| !(-90.0..=90.0).contains(&v)) {
            check.fail("location.latitude", "must be between -90 and 90");
        }
        if self.longitude.is_some_and(|v| !(-180.0..=180.0).contains(&v)) {
            check.fail("location.longitude", "must be between -180 and 180");
        }
        check.finish()
    }
}

impl ClusterProfile {
    /// The profile a stored cluster holds, given its lists.
    pub(super) fn stored(m: cluster::Model, lists: ClusterLists) -> Self {
        ClusterProfile {
            slug: Some(m.slug),
            name: m.name,
            local_name: m.local_name,
            acronym: m.acronym,
            kind: m.kind,
            country: m.country,
            region: m.region,
            city: m.city,
            website: m.website,
            description: m.description,
            language: m.language,
            founded_year: m.founded_year,
            management_staff: m.management_staff,
            member_counts: MemberCounts {
                total: m.members_total,
                sme: m.members_sme,
                start_up: m.members_start_up,
                large_company: m.members_large_company,
                research: m.members_research,
                other: m.members_other,
            },
            ecosystems: lists.ecosystems,
            emerging_industries: lists.emerging_industries,
            technologies: lists.technologies,
            target_countries: lists.target_countries,
            label: m.label,
            label_expires_on: m.label_expires_on,
            status: m.status,
            represented_by_id: m.represented_by_id,
            contact: Contact {
                person: m.contact_person,
                email: m.contact_email,
                phone: m.contact_phone,
            },
            latitude: m.latitude,
            longitude: m.longitude,
        }
    }

    /// Names of the fields that differ, as the API calls them.
    pub fn changed_fields(&self, new: &ClusterProfile) -> Vec<&'static str> {
        changed_fields!(self, new;
            slug => "slug", name => "name", local_name => "localName", acronym => "acronym", kind => "kind",
            country => "country", region => "region", city => "city", website => "website",
            description => "description", language => "language", founded_year => "foundedYear", management_staff => "managementStaff",
            member_counts => "memberCounts", ecosystems => "ecosystems", emerging_industries => "emergingIndustries",
            technologies => "technologies", target_countries => "targetCountries", label => "label", label_expires_on => "labelExpiresOn",
            status => "status", represented_by_id => "representedById", contact => "contact",
            latitude => "location", longitude => "location",
        )
    }

    /// Every field that holds a value, for the audit entry of a new profile.
    pub(super) fn filled_fields(&self) -> Vec<&'static str> {
        Self::new(String::new(), self.kind, String::new()).changed_fields(self)
    }

    /// The platform's rules for a published profile: at least 15 members of at least two kinds
    /// (the triple helix), and a website.
    pub fn publication_problems(&self) -> Vec<FieldError> {
        let c = self.member_counts;
        let kinds = [c.sme, c.start_up, c.large_company, c.research, c.other]
            .iter()
            .filter(|&&n| n > 0)
            .count();
        let mut problems = Vec::new();
        let mut fail = |field: &str, message: &str| {
            problems.push(FieldError {
                field: field.into(),
                message: message.into(),
            })
        };
        if c.total < 15 {
            fail("memberCounts.total", "a published profile needs at least 15 members");
        }
        if kinds < 2 {
            fail(
                "memberCounts",
                "a published profile needs members of at least two kinds",
            );
        }
        if self.website.is_none() {
            fail("website", "a published profile needs a website");
        }
        problems
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= SHORT_MAX
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
