//! The `newsdesk` commands, each called by `main` after parsing.

use std::io::{BufRead, IsTerminal};
use std::net::{TcpListener, ToSocketAddrs};
use std::path::Path;

use anyhow::{Context, bail};
use chrono::Utc;
use tokio::net::TcpSocket;

use crate::config::Config;
use crate::{Newsroom, auth, db, http_server, import};

/// `newsdesk serve`: migrate, import `content/`, serve until SIGINT/SIGTERM.
/// actix-web then stops accepting and lets in-flight requests finish; every
/// acknowledged write was committed before its response, so none is lost.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let room = Newsroom::open(&config).await?;
    if config.content.is_dir() {
        let report = import::import_dir(&room.db, &config.content, false).await?;
        room.after_commit.skip_backlog().await?;
        tracing::info!("imported {}: {report}", config.content.display());
    }
    let listener = bind(&config.bind).with_context(|| format!("binding {}", config.bind))?;
    println!(
        "newsdesk is serving {} on http://{}",
        room.site_url,
        listener.local_addr()?
    );
    tracing::info!("at most {}", room.streams);
    offer_setup_link(&room).await?;
    let server = http_server(room.clone(), listener)?;
    let handle = server.handle();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing requests in flight");
        // Live streams never finish by themselves; end them so the graceful
        // stop waits only for real requests. Pages reconnect elsewhere or later.
        room.live.close_all();
        handle.stop(true).await;
    });
    server.await.context("running HTTP server")
}

/// Accept queue length: the OS default (128) drops connections when every open
/// page reconnects at once after a restart; 4096 is Linux's usual ceiling.
const ACCEPT_BACKLOG: u32 = 4096;

/// Binds the HTTP listener with a long accept queue.
fn bind(address: &str) -> anyhow::Result<TcpListener> {
    let address = address
        .to_socket_addrs()?
        .next()
        .context("the address resolves to nothing")?;
    let socket = if address.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    Ok(socket.listen(ACCEPT_BACKLOG)?.into_std()?)
}

/// Resolves on SIGINT (Ctrl+C) or SIGTERM.
async fn shutdown_signal() {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("installing the SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
}

/// With no editor account yet, prints a one-time link to create the first
/// one. There is no default password anywhere.
async fn offer_setup_link(room: &Newsroom) -> anyhow::Result<()> {
    let mut conn = room.db.acquire().await?;
    if db::editors::count(&mut conn).await? > 0 {
        return Ok(());
    }
    let token = auth::new_token();
    db::editors::replace_setup_token(&mut conn, &auth::token_hash(&token), Utc::now()).await?;
    println!("No editor account exists yet. Create the first one, once, at:");
    println!("    {}/admin/setup/{token}", room.site_url);
    Ok(())
}

/// `newsdesk import [DIR]`: import and report what changed.
pub async fn import(config: &Config, dir: &Path) -> anyhow::Result<()> {
    let db = db::connect(&config.database).await?;
    let show_progress = std::io::stderr().is_terminal();
    // A server running on the same database tells its readers within a second.
    let report = import::import_dir(&db, dir, show_progress).await?;
    println!("{}: {report}", dir.display());
    Ok(())
}

/// `newsdesk editor add NAME`: the password comes from standard input (one
/// line) when it is not a terminal, or is asked for twice, hidden, when it is.
pub async fn add_editor(config: &Config, username: &str) -> anyhow::Result<()> {
    auth::check_username(username).map_err(|m| anyhow::anyhow!("username “{username}”: {m}"))?;
    let password = read_password()?;
    auth::check_new_password(&password).map_err(|m| anyhow::anyhow!("password: {m}"))?;
    let hash = auth::hash_password(&password)?;
    let room = Newsroom::open(config).await?;
    let mut tx = db::write_tx(&room.db).await?;
    let Some(id) = db::editors::insert(&mut tx, username, &hash, Utc::now()).await? else {
        bail!("an editor called “{username}” already exists");
    };
    db::audit::record(&mut tx, None, "created editor", username, Utc::now()).await?;
    tx.commit().await?;
    println!(
        "Editor “{username}” created (id {id}). Sign in at {}/admin/login",
        room.site_url
    );
    Ok(())
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Password again: ")?;
        if first != second {
            bail!("the two passwords differ; nothing was created");
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
