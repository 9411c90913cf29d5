/* The docs page's "Try it" forms: build a request from a form, send it with fetch()
   and show the answer. No dependency: the page must work from an installed wheel. */
(function () {
  "use strict";

  var WRITE_METHODS = ["POST", "PUT", "PATCH"];
  var SAFE_METHODS = ["GET", "HEAD", "OPTIONS"];
  var SHOWN_HEADERS = ["content-type", "location", "allow", "etag", "retry-after",
    "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "www-authenticate"];

  function readDescription() {
    var node = document.getElementById("drfl-description");
    var byName = {};
    if (!node) { return byName; }
    JSON.parse(node.textContent).forEach(function (ressource) { byName[ressource.name] = ressource; });
    return byName;
  }

  function cookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var pair = parts[i].split("=");
      if (pair[0] === name) { return decodeURIComponent(pair.slice(1).join("=")); }
    }
    return null;
  }

  function extraHeaders() {
    var area = document.getElementById("drfl-headers");
    var headers = {};
    if (!area) { return headers; }
    area.value.split("\n").forEach(function (line) {
      var colon = line.indexOf(":");
      if (colon > 0) {
        var name = line.slice(0, colon).trim();
        if (name) { headers[name] = line.slice(colon + 1).trim(); }
      }
    });
    return headers;
  }

  function parseOperation(value) {
    var parts = value.split(" ");
    return { unique: parts[0] === "detail", method: parts[1] };
  }

  function requestUrl(ressource, operation, form) {
    var url = ressource.list_url;
    if (operation.unique) {
      url = ressource.detail_url.replace("{identifier}", encodeURIComponent(form.elements.identifier.value.trim()));
    }
    var query = form.elements.query.value.trim().replace(/^\?/, "");
    return query ? url + "?" + query : url;
  }

  function showFieldsFor(form, operation) {
    form.querySelector(".identifier").hidden = !operation.unique;
    form.querySelector(".query").hidden = operation.method !== "GET" && operation.method !== "HEAD";
    form.querySelector(".body").hidden = WRITE_METHODS.indexOf(operation.method) === -1;
  }

  function formatBody(text, contentType) {
    if (!text) { return "(empty body)"; }
    if (contentType && contentType.indexOf("json") !== -1) {
      try { return JSON.stringify(JSON.parse(text), null, 2); } catch (error) { return text; }
    }
    return text;
  }

  function showAnswer(form, url, response, text) {
    var output = form.querySelector(".answer");
    var headerLines = [];
    SHOWN_HEADERS.forEach(function (name) {
      var value = response.headers.get(name);
      if (value !== null) { headerLines.push(name + ": " + value); }
    });
    output.querySelector(".answer-status").textContent = response.status + " " + response.statusText;
    output.querySelector(".answer-status").className = "answer-status status-" + String(response.status).charAt(0) + "xx";
    output.querySelector(".answer-url").textContent = url;
    output.querySelector(".answer-headers").textContent = headerLines.join("\n");
    output.querySelector(".answer-body").textContent = formatBody(text, response.headers.get("content-type"));
    output.hidden = false;
  }

  function showFailure(form, url, message) {
    var output = form.querySelector(".answer");
    output.querySelector(".answer-status").textContent = "Request failed";
    output.querySelector(".answer-status").className = "answer-status status-error";
    output.querySelector(".answer-url").textContent = url;
    output.querySelector(".answer-headers").textContent = "";
    output.querySelector(".answer-body").textContent = message;
    output.hidden = false;
  }

  function send(form, ressource) {
    var operation = parseOperation(form.elements.operation.value);
    var url = requestUrl(ressource, operation, form);
    var headers = extraHeaders();
    headers.Accept = "application/json";
    var init = { method: operation.method, headers: headers, credentials: "same-origin" };
    if (WRITE_METHODS.indexOf(operation.method) !== -1) {
      var body = form.elements.body.value.trim();
      try {
        JSON.parse(body || "{}");
      } catch (error) {
        showFailure(form, url, "The body is not valid JSON: " + error.message);
        return Promise.resolve();
      }
      headers["Content-Type"] = "application/json";
      init.body = body || "{}";
    }
    if (SAFE_METHODS.indexOf(operation.method) === -1) {
      var token = cookie("csrftoken");
      if (token) { headers["X-CSRFToken"] = token; }
    }
    var button = form.querySelector("button");
    button.disabled = true;
    return fetch(url, init)
      .then(function (response) {
        return response.text().then(function (text) { showAnswer(form, url, response, text); });
      })
      .catch(function (error) { showFailure(form, url, String(error)); })
      .then(function () { button.disabled = false; });
  }

  function setUp() {
    var ressources = readDescription();
    Array.prototype.forEach.call(document.querySelectorAll("form.try"), function (form) {
      var ressource = ressources[form.dataset.ressource];
      if (!ressource) { return; }
      form.elements.body.value = JSON.stringify(ressource.example_body, null, 2);
      var select = form.elements.operation;
      showFieldsFor(form, parseOperation(select.value));
      select.addEventListener("change", function () { showFieldsFor(form, parseOperation(select.value)); });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        send(form, ressource);
      });
    });
    document.body.classList.add("ready");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
}());
