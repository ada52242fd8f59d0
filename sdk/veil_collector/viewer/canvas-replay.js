/*
 * canvas-replay.js: plays Veil's canvas frames in rrweb's Replayer with no script in the replay.
 *
 * Rules: rrweb's Replayer applies canvas events (incremental source CanvasMutation) only with
 * UNSAFE_replayCanvas, which lets the replayed document run scripts: in a document where scripting
 * is disabled a browser does not render a <canvas> at all (it shows its fallback content). This
 * replay plugin shows them from the viewer's own page instead, in the replay iframe (same-origin
 * to it, sandboxed without allow-scripts): each canvas gets its latest frame as its CSS background
 * image (a data: URL of the recorded bytes, stretched over its content box; the viewer's CSP
 * allows data: images and nothing else is loaded), kept in place when the page's mutations rewrite
 * its style, and the frame is also drawn into the canvas (seen wherever a replay does run scripts).
 * window.veilCanvasReplay() returns a plugin for the Replayer's `plugins` option (rrweb-player
 * passes it on). Only frames in the shape the core writes are shown (veil.canvas: clearRect, then
 * drawImage of one image of a type Veil records, at the canvas's size). The work waits for the
 * end of the current batch of events, so a seek through many frames shows only the last one of
 * each canvas; a full snapshot (a seek back) forgets them all.
 */
(function () {
  "use strict";
  var IMAGE_TYPES = ["image/webp", "image/jpeg", "image/png"];

  // {id, type, base64, width, height} of a frame as veil.canvas writes it, or null.
  function frameOf(data) {
    var commands = data.commands;
    if (data.type !== 0 || !Array.isArray(commands) || commands.length !== 2) return null;
    var draw = commands[1];
    if (!commands[0] || commands[0].property !== "clearRect" || !draw || draw.property !== "drawImage") return null;
    var args = draw.args;
    var bitmap = Array.isArray(args) && args.length === 5 ? args[0] : null;
    var blob = bitmap && bitmap.rr_type === "ImageBitmap" && Array.isArray(bitmap.args) ? bitmap.args[0] : null;
    var buffer = blob && blob.rr_type === "Blob" && Array.isArray(blob.data) ? blob.data[0] : null;
    if (!buffer || typeof buffer.base64 !== "string" || IMAGE_TYPES.indexOf(blob.type) < 0) return null;
    if (typeof args[3] !== "number" || typeof args[4] !== "number") return null;
    return { id: data.id, type: blob.type, base64: buffer.base64, width: args[3], height: args[4] };
  }

  function bytesOf(base64) {
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  // The frame as the canvas's background: what a replay without scripts shows.
  function showAsBackground(canvas, frame) {
    var style = canvas.style;
    var url = 'url("data:' + frame.type + ";base64," + frame.base64 + '")';
    if (style.getPropertyValue("background-image") !== url) {
      style.setProperty("background-image", url, "important");
      style.setProperty("background-size", "100% 100%", "important");
      style.setProperty("background-repeat", "no-repeat", "important");
      style.setProperty("background-origin", "content-box", "important");
    }
    // Rendered as its fallback content, a canvas with no size of its own from CSS collapses: give it its bitmap's.
    var box = canvas.getBoundingClientRect();
    if (!box.width || !box.height) {
      style.setProperty("display", "inline-block");
      style.setProperty("width", canvas.width + "px");
      style.setProperty("height", canvas.height + "px");
    }
  }

  window.veilCanvasReplay = function () {
    var waiting = {}; // canvas id -> its latest frame not drawn yet
    var shown = {}; // canvas id -> its latest frame (kept as its background)
    var timer = 0;
    var generation = 0;
    var replayer = null;

    function canvasOf(id) {
      var node = replayer ? replayer.getMirror().getNode(Number(id)) : null;
      return node && node.nodeName === "CANVAS" ? node : null;
    }

    function draw(frame, mine) {
      var bitmap;
      try {
        bitmap = createImageBitmap(new Blob([bytesOf(frame.base64)], { type: frame.type }));
      } catch (err) {
        return;
      }
      bitmap.then(function (image) {
        var canvas = mine === generation ? canvasOf(frame.id) : null;
        if (canvas) {
          var ctx = canvas.getContext("2d");
          if (ctx) {
            ctx.clearRect(0, 0, canvas.width, canvas.height);
            ctx.drawImage(image, 0, 0, frame.width, frame.height);
          }
        }
        image.close();
      }, function () {});
    }

    function afterBatch() {
      timer = 0;
      var frames = waiting;
      waiting = {};
      Object.keys(frames).forEach(function (id) {
        shown[id] = frames[id];
        draw(frames[id], generation);
      });
      Object.keys(shown).forEach(function (id) {
        var canvas = canvasOf(id);
        if (canvas) showAsBackground(canvas, shown[id]);
      });
    }

    return {
      handler: function (event, isSync, context) {
        replayer = context.replayer;
        if (event.type === 2) { // a full snapshot: a new document, frames still waiting are for the old one
          generation += 1;
          waiting = {};
          shown = {};
          return;
        }
        if (event.type !== 3 || !event.data) return;
        if (event.data.source === 9) {
          var frame = frameOf(event.data);
          if (frame) waiting[frame.id] = frame;
        } else if (event.data.source !== 0 || !Object.keys(shown).length) {
          return; // only a mutation can take a canvas's background away
        }
        if (!timer) timer = setTimeout(afterBatch, 0);
      },
    };
  };
})();
