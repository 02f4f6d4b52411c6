#!/usr/bin/env python3
"""Drives the JES explorer in headless Chromium (Debian's chromium and chromedriver, PyPI
selenium): logs in through the gateway, finds a job in the list, opens its spool, reads a spool
file, purges the job and checks that it left the list. Prints one line per step; exits 1 with
the reason and the page's text on the first failure.

Usage: explorer-browser.py GATEWAY_URL USER PASSWORD JOBNAME JOBID DDNAME EXPECTED_TEXT
The gateway's certificate is accepted without a CA check: the browser has no way to be given
the instance CA, and the test checks the page, not the TLS (other tests do)."""
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as conditions
from selenium.webdriver.support.ui import WebDriverWait

gateway, user, password, job_name, job_id, dd_name, expected = sys.argv[1:8]

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ["--headless", "--no-sandbox", "--disable-gpu", "--ignore-certificate-errors",
                 "--disable-dev-shm-usage", "--no-first-run"]:
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
wait = WebDriverWait(driver, 20)


def fail(reason):
    body = driver.find_element(By.TAG_NAME, "body").text if driver else ""
    print(f"FAIL {reason}\n--- page text\n{body}", flush=True)
    driver.quit()
    sys.exit(1)


try:
    driver.get(gateway + "/explorer-jes/ui/v1/")
    wait.until(conditions.visibility_of_element_located((By.ID, "login-form")))
    print("login form shown", flush=True)
    driver.find_element(By.ID, "username").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login-button").click()
    wait.until(conditions.text_to_be_present_in_element((By.ID, "user"), user))
    print(f"logged in as {driver.find_element(By.ID, 'user').text}", flush=True)

    row_selector = f'tr[data-job-id="{job_id}"]'
    wait.until(conditions.presence_of_element_located((By.CSS_SELECTOR, row_selector)))
    row = driver.find_element(By.CSS_SELECTOR, row_selector)
    if job_name not in row.text:
        fail(f"row of {job_id} does not name {job_name}: {row.text}")
    print(f"job listed: {row.text}", flush=True)

    row.find_element(By.CSS_SELECTOR, "button.open").click()
    wait.until(conditions.presence_of_element_located((By.CSS_SELECTOR, "#files button.file")))
    files = [button.text for button in driver.find_elements(By.CSS_SELECTOR, "#files button.file")]
    print(f"spool files: {files}", flush=True)
    target = [button for button in driver.find_elements(By.CSS_SELECTOR, "#files button.file")
              if button.text.startswith(dd_name + " ")]
    if not target:
        fail(f"no spool file {dd_name} in {files}")
    target[0].click()
    wait.until(conditions.text_to_be_present_in_element((By.ID, "content"), expected))
    print(f"{dd_name} shows the expected text", flush=True)

    driver.find_element(By.CSS_SELECTOR, row_selector + " button.purge").click()
    deadline = time.time() + 20
    while driver.find_elements(By.CSS_SELECTOR, row_selector):
        if time.time() > deadline:
            fail(f"{job_id} is still listed after purge")
        time.sleep(0.2)
    print(f"purged: {driver.find_element(By.ID, 'message').text}", flush=True)
except Exception as error:  # any selenium failure: say which step and what the page showed
    fail(f"{type(error).__name__}: {error}")
driver.quit()
print("OK", flush=True)
