# Reference features from torchvision (random weights, random BatchNorm statistics) for
# torch_crosscheck.ts. Needs torch + torchvision (Debian: apt-get install python3-torchvision).
#   /usr/bin/python3 packages/data/scripts/torch_reference.py /tmp/torchref
import json, struct, sys
import numpy as np, torch, torchvision

torch.manual_seed(0)
S = 64
out_dir = sys.argv[1] if len(sys.argv) > 1 else '/tmp/torchref'

def save_safetensors(sd, path):
    header, blobs, off = {}, [], 0
    for k, v in sd.items():
        a = v.detach().cpu().numpy()
        if a.dtype == np.int64:
            dt = 'I64'
        else:
            a = a.astype(np.float32); dt = 'F32'
        b = a.tobytes(); header[k] = {'dtype': dt, 'shape': list(a.shape), 'data_offsets': [off, off + len(b)]}; off += len(b); blobs.append(b)
    h = json.dumps(header).encode(); h += b' ' * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h))); f.write(h)
        for b in blobs: f.write(b)

def randomize_bn(m):
    for mod in m.modules():
        if isinstance(mod, torch.nn.BatchNorm2d):
            with torch.no_grad():
                mod.weight.uniform_(0.5, 1.5); mod.bias.uniform_(-0.2, 0.2)
                mod.running_mean.uniform_(-0.2, 0.2); mod.running_var.uniform_(0.5, 2.0)

x = torch.from_numpy(np.random.RandomState(0).randn(1, 3, S, S).astype(np.float32))
x.numpy().transpose(0, 2, 3, 1).astype(np.float32).tofile(f'{out_dir}/input.bin')
pool = torch.nn.AvgPool2d(3, 2, 1)
for name, reflect in [('resnet18', False), ('resnet50', False), ('wide_resnet50_2', True), ('mobilenet_v2', False)]:
    m = getattr(torchvision.models, name)()
    randomize_bn(m)
    m.eval()
    save_safetensors(m.state_dict(), f'{out_dir}/{name}.safetensors')
    if reflect:
        for mod in m.modules():
            if isinstance(mod, torch.nn.Conv2d) and mod.padding != (0, 0):
                mod.padding_mode = 'reflect'
    feats = {}
    if name.startswith('mobilenet'):
        taps = {3: 'stride4', 6: 'stride8', 13: 'stride16'}
        h = x
        with torch.no_grad():
            for i, layer in enumerate(m.features):
                h = layer(h)
                if i in taps: feats[taps[i]] = h
    else:
        with torch.no_grad():
            h = m.maxpool(m.relu(m.bn1(m.conv1(x))))
            for i in range(1, 4):
                h = getattr(m, f'layer{i}')(h); feats[f'layer{i}'] = h
    for k, v in feats.items():
        p = pool(v).numpy().transpose(0, 2, 3, 1).astype(np.float32)
        p.tofile(f'{out_dir}/{name}_{k}.bin')
        print(name, k, p.shape, float(np.abs(p).max()))
