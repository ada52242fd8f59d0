/*
 * canvas-replay.js: plays Veil's canvas frames in rrweb's Replayer with no script in the replay.
 *
 * Rules: rrweb's Replayer applies canvas events (incremental source CanvasMutation) only with
 * UNSAFE_replayCanvas, which lets the replayed document run scripts. This replay plugin draws them
 * from the viewer's own page instead (the replay iframe is same-origin to it and sandboxed without
 * allow-scripts): window.veilCanvasReplay() returns a plugin for the Replayer's `plugins` option
 * (rrweb-player passes it on). It draws only frames in the shape the core writes (veil.canvas:
 * clearRect, then drawImage of one image of a type Veil records, at the canvas's size), decoding
 * the image from the recorded bytes (createImageBitmap of a Blob: no URL is loaded, nothing in the
 * replayed document runs). Decoding waits for the end of the current batch of events, so a seek
 * through many frames decodes only the last one of each canvas; a full snapshot (a seek back)
 * forgets frames still waiting.
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

  window.veilCanvasReplay = function () {
    var waiting = {}; // canvas id -> its latest frame not drawn yet
    var timer = 0;
    var generation = 0;
    var replayer = null;

    function draw(frame, mine) {
      var bitmap;
      try {
        bitmap = createImageBitmap(new Blob([bytesOf(frame.base64)], { type: frame.type }));
      } catch (err) {
        return;
      }
      bitmap.then(function (image) {
        var canvas = mine === generation && replayer ? replayer.getMirror().getNode(frame.id) : null;
        if (canvas && canvas.nodeName === "CANVAS") {
          var ctx = canvas.getContext("2d");
          if (ctx) {
            ctx.clearRect(0, 0, canvas.width, canvas.height);
            ctx.drawImage(image, 0, 0, frame.width, frame.height);
          }
        }
        image.close();
      }, function () {});
    }

    function drawWaiting() {
      timer = 0;
      var frames = waiting;
      waiting = {};
      Object.keys(frames).forEach(function (id) { draw(frames[id], generation); });
    }

    return {
      handler: function (event, isSync, context) {
        replayer = context.replayer;
        if (event.type === 2) { // a full snapshot: a new document, frames still waiting are for the old one
          generation += 1;
          waiting = {};
          return;
        }
        if (event.type !== 3 || !event.data || event.data.source !== 9) return;
        var frame = frameOf(event.data);
        if (!frame) return;
        waiting[frame.id] = frame;
        if (!timer) timer = setTimeout(drawWaiting, 0);
      },
    };
  };
})();
