"""One page, one role, many requests: run by bench/run.py once per page (see there).

Environment: BENCH_HOST, BENCH_USER / BENCH_PASSWORD (who logs in), BENCH_PATH (the page),
BENCH_POST (JSON form data: the page is then a POST answered by a redirect).
"""

import json
import os
import re

import requests
from locust import HttpUser, constant, task

PATH = os.environ["BENCH_PATH"]
POST = json.loads(os.environ.get("BENCH_POST") or "null")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def log_in() -> dict:
    """Log in once, before the clock starts (hashing the password takes a second or more);
    every simulated user then shares the session cookie."""
    host, client = os.environ["BENCH_HOST"], requests.Session()
    token = TOKEN.search(client.get(host + "/accounts/login/").text).group(1)
    answer = client.post(
        host + "/accounts/login/",
        {
            "username": os.environ["BENCH_USER"],
            "password": os.environ["BENCH_PASSWORD"],
            "csrfmiddlewaretoken": token,
        },
        headers={"Referer": host + "/accounts/login/"},
        allow_redirects=False,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"login failed for {os.environ['BENCH_USER']}")
    return client.cookies.get_dict()


COOKIES = log_in()


class Visitor(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.client.cookies.update(COOKIES)

    @task
    def page(self) -> None:
        if POST is None:
            with self.client.get(PATH, name="page", catch_response=True) as answer:
                if answer.status_code != 200:
                    answer.failure(f"HTTP {answer.status_code}")
            return
        data = dict(POST, csrfmiddlewaretoken=COOKIES["csrftoken"])
        with self.client.post(
            PATH,
            data,
            name="page",
            headers={"Referer": self.host + PATH},
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"HTTP {answer.status_code} (form not accepted)")
