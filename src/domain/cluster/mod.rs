//! Cluster profiles: reading with filters, and writes that keep the profile and its taxonomy rows
//! in one transaction under an optimistic lock.
//!
//! `profile` is what a client writes and the rules it meets, `storage` reads and writes the rows,
//! `lists` the join tables of the profile's lists, and `review` moves a profile towards
//! publication; `translation` writes its description in other languages; `external` writes the
//! profiles a partner imports from its own registry, found by the partner's own ids.

pub mod external;
pub mod lists;
mod profile;
mod review;
mod storage;
mod translation;

pub(crate) use self::storage::existing;
pub use self::{
    profile::{ClusterProfile, Contact, MemberCounts},
    review::{review, Review},
    storage::{create, delete, find, find_by_slug, register_many, update},
    translation::{remove_translation, set_translation, translate_new, translations_of, translations_of_many},
};
