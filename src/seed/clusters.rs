//! The cluster profile record of the demo tables, its defaults, and the step that writes every
//! profile (Taiwanese first, then European) through the domain's `create`.

use entity::taxonomy::{ClusterKind, ClusterLabel, ClusterStatus, Ecosystem, EmergingIndustry, StaffBand};
use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use super::{date, europe::EUROPE, taiwan::TAIWAN, Written};
use crate::auth::Principal;
use crate::domain::cluster::{self as clusters, ClusterProfile, Contact, MemberCounts};
use crate::error::AppResult;

/// Writes every profile, the Taiwanese ones represented by CNFI, and returns their ids by slug.
pub(super) async fn insert(db: &DatabaseTransaction, operator: &Principal, cnfi: Uuid) -> AppResult<Written> {
    let mut written = Written::new("cluster slug");
    for record in all() {
        let represented_by = (record.country == "TW").then_some(cnfi);
        let model = clusters::create(db, operator, record.profile(represented_by)?).await?;
        if let Some(text) = record.description_zh_hant {
            clusters::translate_new(db, &model, "zh-Hant", text.to_owned()).await?;
        }
        written.insert(record.slug, model.id);
    }
    Ok(written)
}

/// Every profile, in the order they are written.
pub(super) fn all() -> impl Iterator<Item = &'static ClusterRecord> {
    TAIWAN.iter().chain(EUROPE)
}

/// The sentence that closes the description of every invented profile.
pub(super) const INVENTED_PROFILE: &str = "Demo data: an invented profile.";

/// One cluster profile of the tables in [`super::taiwan`] and [`super::europe`].
pub(super) struct ClusterRecord {
    pub(super) slug: &'static str,
    pub(super) name: &'static str,
    pub(super) local_name: Option<&'static str>,
    pub(super) acronym: Option<&'static str>,
    pub(super) kind: ClusterKind,
    pub(super) country: &'static str,
    pub(super) region: Option<&'static str>,
    pub(super) city: Option<&'static str>,
    pub(super) website: Option<&'static str>,
    pub(super) founded_year: Option<i32>,
    pub(super) staff: Option<StaffBand>,
    pub(super) counts: MemberCounts,
    pub(super) ecosystems: &'static [Ecosystem],
    pub(super) emerging: &'static [EmergingIndustry],
    pub(super) technologies: &'static [&'static str],
    /// Label and its expiry (year, month, day).
    pub(super) label: Option<(ClusterLabel, (i32, u32, u32))>,
    pub(super) status: ClusterStatus,
    pub(super) description: &'static str,
    /// The description in Traditional Chinese (`zh-Hant`), for the Taiwanese profiles that have one.
    pub(super) description_zh_hant: Option<&'static str>,
    /// Invented organisations get [`INVENTED_PROFILE`] appended to their description.
    pub(super) invented: bool,
    /// Person, e-mail, phone.
    pub(super) contact: Option<(&'static str, &'static str, &'static str)>,
}

impl ClusterRecord {
    pub(super) fn profile(&self, represented_by_id: Option<Uuid>) -> AppResult<ClusterProfile> {
        let mut p = ClusterProfile::new(self.name.to_owned(), self.kind, self.country.to_owned());
        p.slug = Some(self.slug.to_owned());
        p.local_name = self.local_name.map(str::to_owned);
        p.acronym = self.acronym.map(str::to_owned);
        p.region = self.region.map(str::to_owned);
        p.city = self.city.map(str::to_owned);
        p.website = self.website.map(str::to_owned);
        p.description = Some(if self.invented {
            format!("{} {INVENTED_PROFILE}", self.description)
        } else {
            self.description.to_owned()
        });
        p.founded_year = self.founded_year;
        p.management_staff = self.staff;
        p.member_counts = self.counts;
        p.ecosystems = self.ecosystems.to_vec();
        p.emerging_industries = self.emerging.to_vec();
        p.technologies = self.technologies.iter().map(|&k| k.to_owned()).collect();
        if let Some((label, (y, m, d))) = self.label {
            p.label = label;
            p.label_expires_on = Some(date(y, m, d)?);
        }
        p.status = self.status;
        p.represented_by_id = represented_by_id;
        if let Some((person, email, phone)) = self.contact {
            p.contact = Contact {
                person: Some(person.to_owned()),
                email: Some(email.to_owned()),
                phone: Some(phone.to_owned()),
            };
        }
        if let Some((lat, lon)) = self.city.and_then(city_centre) {
            p.latitude = Some(lat);
            p.longitude = Some(lon);
        }
        Ok(p)
    }
}

pub(super) const fn counts(
    total: i32,
    sme: i32,
    start_up: i32,
    large_company: i32,
    research: i32,
    other: i32,
) -> MemberCounts {
    MemberCounts {
        total,
        sme,
        start_up,
        large_company,
        research,
        other,
    }
}

pub(super) const NO_COUNTS: MemberCounts = counts(0, 0, 0, 0, 0, 0);

/// Defaults of a Taiwanese profile: a published industry association, represented by CNFI.
pub(super) const TAIWANESE: ClusterRecord = ClusterRecord {
    slug: "",
    name: "",
    local_name: None,
    acronym: None,
    kind: ClusterKind::IndustryAssociation,
    country: "TW",
    region: None,
    city: None,
    website: None,
    founded_year: None,
    staff: None,
    counts: NO_COUNTS,
    ecosystems: &[],
    emerging: &[],
    technologies: &[],
    label: None,
    status: ClusterStatus::Published,
    description: "",
    description_zh_hant: None,
    invented: false,
    contact: None,
};

/// Defaults of an invented European profile: a published cluster organisation.
pub(super) const EUROPEAN: ClusterRecord = ClusterRecord {
    kind: ClusterKind::ClusterOrganisation,
    country: "",
    invented: true,
    ..TAIWANESE
};

/// Centre of the cities the profiles name, as (latitude, longitude).
fn city_centre(city: &str) -> Option<(f64, f64)> {
    Some(match city {
        "Taipei" => (25.0330, 121.5654),
        "New Taipei" => (25.0120, 121.4650),
        "Taoyuan" => (24.9936, 121.3010),
        "Taichung" => (24.1477, 120.6736),
        "Kaohsiung" => (22.6273, 120.3014),
        "Hanover" => (52.3759, 9.7320),
        "Braunschweig" => (52.2689, 10.5268),
        "Dresden" => (51.0504, 13.7373),
        "Oulu" => (65.0121, 25.4651),
        "Esbjerg" => (55.4765, 8.4594),
        "Santander" => (43.4623, -3.8099),
        "Seville" => (37.3891, -5.9845),
        "Rotterdam" => (51.9244, 4.4777),
        "Gothenburg" => (57.7089, 11.9746),
        "Antwerp" => (51.2194, 4.4025),
        "Turin" => (45.0703, 7.6869),
        "Katowice" => (50.2649, 19.0238),
        "Graz" => (47.0707, 15.4395),
        "Brno" => (49.1951, 16.6068),
        "Toulouse" => (43.6047, 1.4442),
        "Limerick" => (52.6638, -8.6267),
        "Porto" => (41.1579, -8.6291),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_passes_validation() {
        for record in all() {
            let mut profile = record.profile(None).expect("profile");
            if let Err(err) = profile.validate() {
                panic!("{}: {err:?}", record.slug);
            }
            assert_eq!(
                profile.slug.as_deref(),
                Some(record.slug),
                "slug of {} must need no normalising",
                record.slug
            );
        }
    }
}
