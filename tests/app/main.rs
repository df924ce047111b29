//! Integration tests: the real app on a fresh SQLite database per test,
//! laid out like the URLs they exercise.

mod browser;
mod helpers;
mod html_validity;
mod import;
mod reader;
