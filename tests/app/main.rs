//! Integration tests: the real app on a fresh SQLite database per test,
//! laid out like the URLs they exercise.

mod admin;
mod browser;
mod compression;
#[path = "../common/config.rs"]
mod config;
mod durability;
mod edge;
mod editor_session;
mod embeds;
mod feeds;
mod figures;
mod helpers;
mod html_validity;
mod import;
mod listings_at_scale;
mod live;
mod live_model;
mod media;
mod page_cache;
mod process;
mod properties;
mod reader;
mod request_bodies;
mod site;
#[path = "../common/statement_log.rs"]
mod statement_log;
mod storage_full;
mod websub;
mod xss;
