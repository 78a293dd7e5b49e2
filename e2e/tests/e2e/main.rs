//! The built app in its real webview (WebKitGTK), driven through WebDriver: tauri-driver in
//! front of Debian's WebKitWebDriver, on an Xvfb screen. `cargo xtask test` starts all three
//! and passes their coordinates in the environment. One test binary (linking dominates on two
//! cores), one module per Element.

mod agenda;
mod kiosk;
mod map;
mod me;
mod my_agenda;
mod people;
mod quests;
mod screens;
mod staff;
mod voting;
