// The public check of a signed answer, in the visitor's browser: nothing is uploaded.
// The same checks as dsar/receipts/verify.py (and `dsar receipt verify`): an export ZIP's
// manifest.json.sig over manifest.json, then each member's SHA-256 and size; a letter PDF's
// SHA-256 against its receipt and the receipt's signature over its canonical JSON. A browser
// without Ed25519 in WebCrypto posts the form to the server instead.
(function () {
  "use strict";
  var form = document.getElementById("verify-form");
  var result = document.getElementById("verify-result");
  var words = JSON.parse(document.getElementById("verify-words").textContent);
  if (!form || !result || !window.crypto || !crypto.subtle || !window.fflate) return;

  function say(msgid, values) {
    return (words[msgid] || msgid).replace(/%\((\w+)\)[sd]/g, function (_, name) {
      return String(values && name in values ? values[name] : "");
    });
  }
  function bytesOf(b64) {
    var text = atob(b64.trim()), out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }
  function hex(buffer) {
    return Array.from(new Uint8Array(buffer), function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }
  async function sha256(data) { return hex(await crypto.subtle.digest("SHA-256", data)); }
  async function signed(key, signatureB64, data) {
    try { return await crypto.subtle.verify("Ed25519", key, bytesOf(signatureB64), data); }
    catch (e) { return false; }
  }
  function canonical(receipt) {  // every field but the signature, sorted keys, no spaces
    var body = {};
    Object.keys(receipt).sort().forEach(function (k) { if (k !== "signature") body[k] = receipt[k]; });
    return new TextEncoder().encode(JSON.stringify(body));
  }

  async function checkExport(data, key) {
    var problems = [], what = say("export"), members;
    try { members = fflate.unzipSync(data); }
    catch (e) { return { what: what, problems: [say("not a readable ZIP: %(error)s", { error: e.message })] }; }
    ["manifest.json", "manifest.json.sig"].forEach(function (name) {
      if (!(name in members)) problems.push(say("%(name)s is missing", { name: name }));
    });
    if (problems.length) return { what: what, problems: problems };
    var text = members["manifest.json"], sig = new TextDecoder().decode(members["manifest.json.sig"]);
    if (!(await signed(key, sig, text)))
      problems.push(say("%(signature)s: the signature does not match %(name)s",
                        { signature: "manifest.json.sig", name: "manifest.json" }));
    var manifest;
    try { manifest = JSON.parse(new TextDecoder().decode(text)); }
    catch (e) { problems.push(say("%(name)s is not JSON", { name: "manifest.json" })); return { what: what, problems: problems }; }
    var files = (manifest && manifest.files) || [], listed = {};
    if (!Array.isArray(files) || files.some(function (f) { return !f || typeof f !== "object"; })) {
      problems.push(say("%(name)s lists its files wrongly", { name: "manifest.json" }));
      return { what: what, problems: problems };
    }
    what = say("export %(reference)s (%(count)d files)", { reference: manifest.reference, count: files.length });
    for (var i = 0; i < files.length; i++) {
      var name = String(files[i].name), member = members[name];
      listed[name] = true;
      if (!member) { problems.push(say("%(member)s: listed in %(name)s but missing", { member: name, name: "manifest.json" })); continue; }
      if ((await sha256(member)) !== files[i].sha256)
        problems.push(say("%(member)s: SHA-256 differs from %(name)s", { member: name, name: "manifest.json" }));
      else if (member.length !== files[i].size)
        problems.push(say("%(member)s: size differs from %(name)s", { member: name, name: "manifest.json" }));
    }
    Object.keys(members).sort().forEach(function (name) {
      if (!listed[name] && name !== "manifest.json" && name !== "manifest.json.sig" && !name.endsWith("/"))
        problems.push(say("%(member)s: in the ZIP but not in %(name)s", { member: name, name: "manifest.json" }));
    });
    return { what: what, problems: problems };
  }

  async function checkLetter(pdf, receiptFile, key, published) {
    if (!receiptFile) return { what: say("letter"), problems: [say("a letter is checked with its receipt (.receipt.json)")] };
    var receipt;
    try { receipt = JSON.parse(await receiptFile.text()); } catch (e) { receipt = null; }
    if (!receipt || typeof receipt !== "object" || Array.isArray(receipt))
      return { what: say("letter"), problems: [say("the receipt is not a receipt's JSON")] };
    var problems = [], what = say("letter %(reference)s", { reference: receipt.reference });
    if ((await sha256(pdf)) !== receipt.pdf_sha256)
      problems.push(say("the PDF's SHA-256 differs from the receipt's pdf_sha256"));
    if (!(await signed(key, String(receipt.signature || ""), canonical(receipt))))
      problems.push(say("the receipt's signature does not match its content"));
    if (receipt.fingerprint !== undefined && receipt.fingerprint !== null && receipt.fingerprint !== published.fingerprint)
      problems.push(say("the receipt names another key's fingerprint"));
    return { what: what, problems: problems };
  }

  function show(outcome) {
    result.textContent = "";
    var p = document.createElement("p"), strong = document.createElement("strong");
    var valid = outcome.problems.length === 0;
    p.className = valid ? "ok" : "bad";
    strong.textContent = result.dataset[valid ? "valid" : "invalid"];
    p.append(strong, " (" + outcome.what + ")");
    result.append(p);
    if (!valid) {
      var list = document.createElement("ul");
      outcome.problems.forEach(function (text) {
        var li = document.createElement("li"); li.textContent = text; list.append(li);
      });
      result.append(list);
    }
    var note = document.createElement("p");
    note.textContent = result.dataset.local;
    result.append(note);
  }

  form.addEventListener("submit", async function (event) {
    var document_ = form.elements.document.files[0];
    if (!document_) return;  // the server says what is missing
    event.preventDefault();
    var published, key;
    try {
      published = await (await fetch(form.dataset.key)).json();
      key = await crypto.subtle.importKey("raw", bytesOf(published.public_key), { name: "Ed25519" }, false, ["verify"]);
    } catch (e) {
      result.textContent = result.dataset.unsupported;
      form.submit();
      return;
    }
    var data = new Uint8Array(await document_.arrayBuffer());
    var head = new TextDecoder().decode(data.slice(0, 4));
    var outcome;
    if (head.startsWith("PK")) outcome = await checkExport(data, key);
    else if (head === "%PDF") outcome = await checkLetter(data, form.elements.receipt.files[0], key, published);
    else outcome = { what: say("file"), problems: [say("neither an export ZIP nor a letter PDF")] };
    show(outcome);
  });
})();
