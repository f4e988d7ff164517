// The installed .deb: a desktop citizen. Run by the `deb` stage of scripts/test.sh after
// `apt-get install ./Telltale_*.deb`, under dbus-run-session + Xvfb, with TELLTALE_APP set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { startDriver, Session } from './webdriver.mjs';

const APP = process.env.TELLTALE_APP ?? '/usr/bin/telltale-app';
const PACKAGE = process.env.TELLTALE_PACKAGE ?? 'telltale';
let driver;
let app;

before(async () => {
  driver = await startDriver();
  app = await Session.create(driver.base, APP);
});

after(async () => {
  await app?.close().catch(() => {});
  driver?.stop();
});

test('the package installs the binary, a desktop entry and the icon at every size', () => {
  assert.ok(existsSync(APP), `${APP} is installed`);
  const version = execFileSync('dpkg-query', ['-W', '-f=${Version}', PACKAGE]).toString();
  const cargo = readFileSync('src-tauri/Cargo.toml', 'utf8');
  const workspace = readFileSync('Cargo.toml', 'utf8');
  const expected = (cargo.match(/^version = "([^"]+)"/m) ?? workspace.match(/^version = "([^"]+)"/m))[1];
  assert.equal(version, expected, "the package carries the app's version");

  const entry = readFileSync('/usr/share/applications/Telltale.desktop', 'utf8');
  assert.match(entry, /^Name=Telltale$/m);
  assert.match(entry, /^Exec=telltale-app$/m);
  assert.match(entry, /^Categories=Office;Utility;$/m);
  assert.match(entry, /^Keywords=.*AI;.*agent;/m);
  assert.match(entry, /^Icon=telltale-app$/m);
  for (const size of ['32x32', '128x128', '256x256@2']) {
    assert.ok(existsSync(`/usr/share/icons/hicolor/${size}/apps/telltale-app.png`), `icon ${size}`);
  }
});

test('the installed app opens its window with the right title and answers offline', async () => {
  const title = await app.cmd('GET', '/title');
  assert.equal(title, 'Telltale');
  await app.waitFor('[data-testid="provider-label"]', async ([el]) => /Offline demo/.test(await el.text()));
  await app.screenshot('deb-01-installed-window');
});

test('a second launch hands over to the running app and exits', async () => {
  const second = spawn(APP, [], { stdio: 'ignore' });
  const code = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      second.kill();
      reject(new Error('the second launch kept running: single instance is not working'));
    }, 10000);
    second.on('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  assert.equal(code, 0);
  // The first window is still there and responsive.
  assert.equal(await app.cmd('GET', '/title'), 'Telltale');
});
