// End to end: the real Telltale window, driven through tauri-driver + WebKitWebDriver.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { startDriver, Session, ENTER } from "./webdriver.mjs";

const APP = resolve("target/debug/telltale-app");
let driver;
let app;

before(async () => {
  // A slower offline pace so that a person (and this test) can see the run unfold and stop it.
  driver = await startDriver({ env: { TELLTALE_OFFLINE_PACE_MS: "60" } });
  app = await Session.create(driver.base, APP);
});

after(async () => {
  await app?.close().catch(() => {});
  driver?.stop();
});

async function ask(prompt) {
  const [input] = await app.waitFor('[data-testid="composer-input"]', async ([el]) => (await el.attr("disabled")) === null);
  await input.type(prompt + ENTER);
  const turns = await app.find('[data-testid="turn"]');
  return turns[turns.length - 1];
}

const stateOf = (turn) => turn.attr("data-state");

test("the offline provider is labelled honestly", async () => {
  const [label] = await app.waitFor('[data-testid="provider-label"]');
  assert.match(await label.text(), /Offline demo/);
});

test("asking shows the status at once, then the steps and the streamed answer", async () => {
  const turn = await ask("What is 17 * 23, and what time is it in Tokyo?");
  assert.ok(turn, "the assistant turn appears as soon as Enter is pressed");
  const chip = await app.waitFor('[data-testid="turn"]:last-child [data-testid="status-chip"]');
  const firstStatus = await chip[0].text();
  assert.match(firstStatus, /Planning|Calculating|Checking|Reading|Writing/);
  await app.screenshot("e2e-01-planning");

  await app.waitFor('[data-testid="answer"]', async (els) => (await els.at(-1).text()).length > 0, { what: "the first token" });
  await app.screenshot("e2e-02-streaming");
  await app.waitFor('[data-testid="turn"]', async (els) => (await stateOf(els.at(-1))) === "completed", {
    timeout: 20000,
    what: "the run to complete",
  });
  const answers = await app.find('[data-testid="answer"]');
  const text = await answers.at(-1).text();
  assert.match(text, /17 \* 23 = 391\./);
  assert.match(text, /In Tokyo \(Asia\/Tokyo\) it is \d\d:\d\d/);

  const [toggle] = (await app.find('[data-testid="steps-toggle"]')).slice(-1);
  assert.match(await toggle.text(), /2/);
  assert.equal(await toggle.attr("aria-expanded"), "false");
  await toggle.click();
  assert.equal(await toggle.attr("aria-expanded"), "true");
  const steps = await app.waitFor('[data-testid="step"][data-kind="tool"]', (els) => els.length === 2);
  for (const step of steps) assert.equal(await step.attr("data-state"), "done");
  const stepsText = (await Promise.all(steps.map((s) => s.text()))).join("\n");
  assert.match(stepsText, /calculator/);
  assert.match(stepsText, /391/);
  assert.match(stepsText, /Asia\/Tokyo/);
  const [meta] = (await app.find('[data-testid="run-meta"]')).slice(-1);
  assert.match(await meta.text(), /ms to first token/);
  await app.screenshot("e2e-03-completed-steps");
});

test("Stop ends the run mid-answer and keeps what streamed", async () => {
  await ask("Tell me a long story about dragons");
  await app.waitFor('[data-testid="answer"]', async (els) => (await els.at(-1).text()).split(" ").length > 3, {
    what: "a few words of the answer",
  });
  const [stop] = await app.waitFor('[data-testid="stop-button"]');
  await stop.click();
  await app.waitFor('[data-testid="turn"]', async (els) => (await stateOf(els.at(-1))) === "cancelled", {
    what: "the run to stop",
  });
  const partial = await (await app.find('[data-testid="answer"]')).at(-1).text();
  assert.ok(partial.length > 0, "the partial answer stays");
  await new Promise((r) => setTimeout(r, 500));
  const later = await (await app.find('[data-testid="answer"]')).at(-1).text();
  assert.equal(later, partial, "nothing streams after Stop");
  await app.waitFor('[data-testid="send-button"]');
  await app.screenshot("e2e-04-stopped");
});
