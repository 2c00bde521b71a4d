"""The vision tutorials as programs: pytorch/examples mnist, transfer learning with resnet18 on
an ImageFolder (fine-tuning and a frozen feature extractor), the spatial transformer network,
examples/super_resolution (PixelShuffle) and the transforms/augmentation pipeline.

Each program runs on ``torch`` (real torch, or learntorch imported as torch) and ``vision``
(torchvision, or learntorch.vision); program_harness runs it both ways from the same seed and
compares what the tutorial prints.
"""
import copy
import os
from math import log10

import numpy as np
import pytest

from program_harness import assert_same_run


def mnist_example(torch, vision):
    """pytorch/examples mnist/main.py: Conv2d ×2, Dropout, max_pool2d, log_softmax, nll_loss,
    Adadelta with StepLR, the train/test functions with reduction='sum' and argmax(keepdim),
    on MNIST-shaped FakeData normalized with MNIST's mean and std."""
    import torch.nn as nn
    import torch.nn.functional as F
    import torch.optim as optim
    from torch.optim.lr_scheduler import StepLR
    datasets, transforms = vision.datasets, vision.transforms

    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()
            self.conv1 = nn.Conv2d(1, 32, 3, 1)
            self.conv2 = nn.Conv2d(32, 64, 3, 1)
            self.dropout1 = nn.Dropout(0.25)
            self.dropout2 = nn.Dropout(0.5)
            self.fc1 = nn.Linear(9216, 128)
            self.fc2 = nn.Linear(128, 10)

        def forward(self, x):
            x = self.conv1(x)
            x = F.relu(x)
            x = self.conv2(x)
            x = F.relu(x)
            x = F.max_pool2d(x, 2)
            x = self.dropout1(x)
            x = torch.flatten(x, 1)
            x = self.fc1(x)
            x = F.relu(x)
            x = self.dropout2(x)
            x = self.fc2(x)
            output = F.log_softmax(x, dim=1)
            return output

    log = []

    def train(args, model, device, train_loader, optimizer, epoch):
        model.train()
        for batch_idx, (data, target) in enumerate(train_loader):
            data, target = data.to(device), target.to(device)
            optimizer.zero_grad()
            output = model(data)
            loss = F.nll_loss(output, target)
            loss.backward()
            optimizer.step()
            if batch_idx % args["log_interval"] == 0:
                log.append('Train Epoch: {} [{}/{} ({:.0f}%)]'.format(
                    epoch, batch_idx * len(data), len(train_loader.dataset),
                    100. * batch_idx / len(train_loader)))
                log.append(loss.item())

    def test(model, device, test_loader):
        model.eval()
        test_loss = 0
        correct = 0
        with torch.no_grad():
            for data, target in test_loader:
                data, target = data.to(device), target.to(device)
                output = model(data)
                test_loss += F.nll_loss(output, target, reduction='sum').item()
                pred = output.argmax(dim=1, keepdim=True)
                correct += pred.eq(target.view_as(pred)).sum().item()
        test_loss /= len(test_loader.dataset)
        return test_loss, correct

    args = {"batch_size": 8, "test_batch_size": 16, "epochs": 2, "lr": 1.0, "gamma": 0.7,
            "log_interval": 2}
    torch.manual_seed(1)
    device = torch.device("cpu")
    train_kwargs = {'batch_size': args["batch_size"], 'shuffle': True}
    test_kwargs = {'batch_size': args["test_batch_size"]}
    transform = transforms.Compose([
        transforms.ToTensor(),
        transforms.Normalize((0.1307,), (0.3081,))
    ])
    dataset1 = datasets.FakeData(16, (1, 28, 28), 10, transform=transform)
    dataset2 = datasets.FakeData(8, (1, 28, 28), 10, transform=transform, random_offset=100)
    train_loader = torch.utils.data.DataLoader(dataset1, **train_kwargs)
    test_loader = torch.utils.data.DataLoader(dataset2, **test_kwargs)
    model = Net().to(device)
    optimizer = optim.Adadelta(model.parameters(), lr=args["lr"])
    scheduler = StepLR(optimizer, step_size=1, gamma=args["gamma"])
    tests = []
    for epoch in range(1, args["epochs"] + 1):
        train(args, model, device, train_loader, optimizer, epoch)
        tests.append(test(model, device, test_loader))
        scheduler.step()
    return {"log": log, "tests": tests, "lr": scheduler.get_last_lr(),
            "fc2": model.fc2.weight.detach()}


def _write_image_folder(root, rng):
    """hymenoptera_data in miniature: train/ and val/, each with ants/ and bees/ PNGs.

    Batches stay at 4: a batch of 2 reaching resnet's 1×1 layer4 makes BatchNorm's input
    gradient a cancellation of near-equal terms, where float32 rounding alone decides."""
    from PIL import Image
    for phase, count in (("train", 4), ("val", 2)):
        for cls in ("ants", "bees"):
            os.makedirs(os.path.join(root, phase, cls))
            for i in range(count):
                pixels = rng.integers(0, 256, (40 + 3 * i, 36 + 2 * i, 3), dtype=np.uint8)
                Image.fromarray(pixels).save(os.path.join(root, phase, cls, f"{i}.png"))


def transfer_learning(torch, vision, tmp_path):
    """"Transfer Learning for Computer Vision": ImageFolder with the tutorial's data_transforms
    (RandomResizedCrop, RandomHorizontalFlip, Resize, CenterCrop, Normalize), resnet18 with a new
    fc, train_model with phases, set_grad_enabled, StepLR and best_model_wts; then ConvNet as a
    fixed feature extractor (requires_grad=False, only fc optimized)."""
    import torch.nn as nn
    import torch.optim as optim
    from torch.optim import lr_scheduler
    datasets, models, transforms = vision.datasets, vision.models, vision.transforms

    data_transforms = {
        'train': transforms.Compose([
            transforms.RandomResizedCrop(32),
            transforms.RandomHorizontalFlip(),
            transforms.ToTensor(),
            transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
        ]),
        'val': transforms.Compose([
            transforms.Resize(36),
            transforms.CenterCrop(32),
            transforms.ToTensor(),
            transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
        ]),
    }
    data_dir = str(tmp_path / "hymenoptera_data")
    _write_image_folder(data_dir, np.random.default_rng(0))
    torch.manual_seed(0)
    image_datasets = {x: datasets.ImageFolder(os.path.join(data_dir, x), data_transforms[x])
                      for x in ['train', 'val']}
    dataloaders = {x: torch.utils.data.DataLoader(image_datasets[x], batch_size=4, shuffle=True,
                                                  num_workers=0)
                   for x in ['train', 'val']}
    dataset_sizes = {x: len(image_datasets[x]) for x in ['train', 'val']}
    class_names = image_datasets['train'].classes
    device = torch.device("cpu")
    history = []

    def train_model(model, criterion, optimizer, scheduler, num_epochs=2):
        best_model_wts = copy.deepcopy(model.state_dict())
        best_acc = 0.0
        for epoch in range(num_epochs):
            for phase in ['train', 'val']:
                if phase == 'train':
                    model.train()
                else:
                    model.eval()
                running_loss = 0.0
                running_corrects = 0
                for inputs, labels in dataloaders[phase]:
                    inputs = inputs.to(device)
                    labels = labels.to(device)
                    optimizer.zero_grad()
                    with torch.set_grad_enabled(phase == 'train'):
                        outputs = model(inputs)
                        _, preds = torch.max(outputs, 1)
                        loss = criterion(outputs, labels)
                        if phase == 'train':
                            loss.backward()
                            optimizer.step()
                    running_loss += loss.item() * inputs.size(0)
                    running_corrects += torch.sum(preds == labels.data)
                if phase == 'train':
                    scheduler.step()
                epoch_loss = running_loss / dataset_sizes[phase]
                epoch_acc = running_corrects.double() / dataset_sizes[phase]
                history.append((phase, epoch_loss, epoch_acc.item()))
                if phase == 'val' and epoch_acc > best_acc:
                    best_acc = epoch_acc
                    best_model_wts = copy.deepcopy(model.state_dict())
        model.load_state_dict(best_model_wts)
        return model

    model_ft = models.resnet18(weights=None)
    num_ftrs = model_ft.fc.in_features
    model_ft.fc = nn.Linear(num_ftrs, 2)
    model_ft = model_ft.to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer_ft = optim.SGD(model_ft.parameters(), lr=0.001, momentum=0.9)
    exp_lr_scheduler = lr_scheduler.StepLR(optimizer_ft, step_size=7, gamma=0.1)
    model_ft = train_model(model_ft, criterion, optimizer_ft, exp_lr_scheduler, num_epochs=1)

    model_conv = vision.models.resnet18(weights=None)
    for param in model_conv.parameters():
        param.requires_grad = False
    num_ftrs = model_conv.fc.in_features
    model_conv.fc = nn.Linear(num_ftrs, 2)
    optimizer_conv = optim.SGD(model_conv.fc.parameters(), lr=0.001, momentum=0.9)
    exp_lr_scheduler = lr_scheduler.StepLR(optimizer_conv, step_size=7, gamma=0.1)
    frozen_before = model_conv.layer1[0].conv1.weight.detach().clone()
    model_conv = train_model(model_conv, criterion, optimizer_conv, exp_lr_scheduler, num_epochs=1)
    model_conv.eval()
    with torch.no_grad():
        inputs, labels = next(iter(dataloaders['val']))
        preds = model_conv(inputs)
    trainable = sum(p.numel() for p in model_conv.parameters() if p.requires_grad)
    return {"classes": class_names, "sizes": dataset_sizes,
            "samples": [s for _, s in image_datasets["val"].samples],
            "history": history, "fc": model_ft.fc.weight.detach(),
            "bn_running_mean": model_ft.bn1.running_mean,
            "frozen": bool(torch.equal(frozen_before, model_conv.layer1[0].conv1.weight)),
            "trainable": trainable, "preds": preds, "init_labels": labels}


def spatial_transformer(torch, vision):
    """"Spatial Transformer Networks Tutorial": the localization net and fc_loc regressor
    initialised to the identity, F.affine_grid + F.grid_sample, Dropout2d and F.dropout,
    a few SGD steps, the transformed batch as make_grid shows it."""
    import torch.nn as nn
    import torch.nn.functional as F
    import torch.optim as optim

    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()
            self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
            self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
            self.conv2_drop = nn.Dropout2d()
            self.fc1 = nn.Linear(320, 50)
            self.fc2 = nn.Linear(50, 10)
            self.localization = nn.Sequential(
                nn.Conv2d(1, 8, kernel_size=7),
                nn.MaxPool2d(2, stride=2),
                nn.ReLU(True),
                nn.Conv2d(8, 10, kernel_size=5),
                nn.MaxPool2d(2, stride=2),
                nn.ReLU(True)
            )
            self.fc_loc = nn.Sequential(
                nn.Linear(10 * 3 * 3, 32),
                nn.ReLU(True),
                nn.Linear(32, 3 * 2)
            )
            self.fc_loc[2].weight.data.zero_()
            self.fc_loc[2].bias.data.copy_(torch.tensor([1, 0, 0, 0, 1, 0], dtype=torch.float))

        def stn(self, x):
            xs = self.localization(x)
            xs = xs.view(-1, 10 * 3 * 3)
            theta = self.fc_loc(xs)
            theta = theta.view(-1, 2, 3)
            grid = F.affine_grid(theta, x.size())
            x = F.grid_sample(x, grid)
            return x

        def forward(self, x):
            x = self.stn(x)
            x = F.relu(F.max_pool2d(self.conv1(x), 2))
            x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
            x = x.view(-1, 320)
            x = F.relu(self.fc1(x))
            x = F.dropout(x, training=self.training)
            x = self.fc2(x)
            return F.log_softmax(x, dim=1)

    torch.manual_seed(0)
    model = Net()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    data = torch.rand(8, 1, 28, 28)
    target = torch.randint(0, 10, (8,))
    with torch.no_grad():
        identity = model.stn(data)
    losses = []
    model.train()
    for _ in range(3):
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        transformed = model.stn(data).cpu()
        grid = vision.utils.make_grid(transformed, nrow=4)
        theta = model.fc_loc(model.localization(data).view(-1, 90))
    return {"identity": identity, "data": data, "losses": losses, "grid": grid,
            "theta": theta, "fc_loc_grad": model.fc_loc[2].weight.grad}


def super_resolution(torch):
    """pytorch/examples super_resolution: the sub-pixel CNN (Conv2d ×4, PixelShuffle) with
    init.orthogonal_ and calculate_gain('relu'), MSELoss, Adam, PSNR on a held-out batch."""
    import torch.nn as nn
    import torch.nn.init as init
    import torch.optim as optim

    class Net(nn.Module):
        def __init__(self, upscale_factor):
            super(Net, self).__init__()
            self.relu = nn.ReLU()
            self.conv1 = nn.Conv2d(1, 16, (5, 5), (1, 1), (2, 2))
            self.conv2 = nn.Conv2d(16, 16, (3, 3), (1, 1), (1, 1))
            self.conv3 = nn.Conv2d(16, 8, (3, 3), (1, 1), (1, 1))
            self.conv4 = nn.Conv2d(8, upscale_factor ** 2, (3, 3), (1, 1), (1, 1))
            self.pixel_shuffle = nn.PixelShuffle(upscale_factor)
            self._initialize_weights()

        def forward(self, x):
            x = self.relu(self.conv1(x))
            x = self.relu(self.conv2(x))
            x = self.relu(self.conv3(x))
            x = self.pixel_shuffle(self.conv4(x))
            return x

        def _initialize_weights(self):
            init.orthogonal_(self.conv1.weight, init.calculate_gain('relu'))
            init.orthogonal_(self.conv2.weight, init.calculate_gain('relu'))
            init.orthogonal_(self.conv3.weight, init.calculate_gain('relu'))
            init.orthogonal_(self.conv4.weight)

    torch.manual_seed(123)
    model = Net(upscale_factor=3)
    w0 = model.conv4.weight.detach().clone()
    criterion = nn.MSELoss()
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    target = torch.rand(4, 1, 24, 24)
    input = nn.functional.avg_pool2d(target, 3)
    losses = []
    for iteration in range(4):
        optimizer.zero_grad()
        loss = criterion(model(input), target)
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        prediction = model(input)
        mse = criterion(prediction, target)
        psnr = 10 * log10(1 / mse.item())
    return {"orthogonal_w": w0, "losses": losses, "psnr": psnr, "shape": tuple(prediction.shape)}


def augmentation_pipeline(torch, vision):
    """The transforms the tutorials chain (CIFAR-style RandomCrop with padding,
    RandomHorizontalFlip, ColorJitter-free Normalize; ToPILImage round trips), seeded from
    torch.manual_seed, through a DataLoader with a seeded Generator."""
    transforms = vision.transforms
    train_transform = transforms.Compose([
        transforms.RandomCrop(32, padding=4),
        transforms.RandomHorizontalFlip(),
        transforms.ToTensor(),
        transforms.Normalize((0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)),
    ])
    dataset = vision.datasets.FakeData(size=8, image_size=(3, 32, 32), transform=train_transform)
    torch.manual_seed(0)
    loader = torch.utils.data.DataLoader(dataset, batch_size=4, shuffle=True,
                                         generator=torch.Generator().manual_seed(5))
    batches = [(x, y) for x, y in loader]
    to_pil = transforms.ToPILImage()
    pil = to_pil(batches[0][0][0] * 0.25 + 0.5)
    back = transforms.ToTensor()(pil)
    return {"init_batches": batches, "pil": (pil.size, pil.mode), "init_back": back}


def fgsm_adversarial_examples(torch):
    """"Adversarial Example Generation": the LeNet-for-MNIST model in eval mode, fgsm_attack
    (data_grad.sign(), clamp to [0, 1]), the test loop over epsilons counting how often the
    attack flips a correct prediction, with data.requires_grad = True and model.zero_grad()."""
    import torch.nn as nn
    import torch.nn.functional as F

    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()
            self.conv1 = nn.Conv2d(1, 32, 3, 1)
            self.conv2 = nn.Conv2d(32, 64, 3, 1)
            self.dropout1 = nn.Dropout(0.25)
            self.dropout2 = nn.Dropout(0.5)
            self.fc1 = nn.Linear(9216, 128)
            self.fc2 = nn.Linear(128, 10)

        def forward(self, x):
            x = F.relu(self.conv1(x))
            x = F.relu(self.conv2(x))
            x = F.max_pool2d(x, 2)
            x = self.dropout1(x)
            x = torch.flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = self.dropout2(x)
            x = self.fc2(x)
            return F.log_softmax(x, dim=1)

    def fgsm_attack(image, epsilon, data_grad):
        sign_data_grad = data_grad.sign()
        perturbed_image = image + epsilon * sign_data_grad
        perturbed_image = torch.clamp(perturbed_image, 0, 1)
        return perturbed_image

    def denorm(batch, mean=[0.1307], std=[0.3081]):
        mean = torch.tensor(mean).view(1, -1, 1, 1)
        std = torch.tensor(std).view(1, -1, 1, 1)
        return batch * std + mean

    torch.manual_seed(42)
    model = Net()
    model.eval()
    images = (torch.rand(6, 1, 28, 28) - 0.1307) / 0.3081
    with torch.no_grad():
        labels = model(images).argmax(1)
    labels[0] = (labels[0] + 1) % 10
    test_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, labels),
                                              batch_size=1)

    def test(model, test_loader, epsilon):
        correct = 0
        adv_examples = []
        for data, target in test_loader:
            data.requires_grad = True
            output = model(data)
            init_pred = output.max(1, keepdim=True)[1]
            if init_pred.item() != target.item():
                continue
            loss = F.nll_loss(output, target)
            model.zero_grad()
            loss.backward()
            data_grad = data.grad.data
            data_denorm = denorm(data)
            perturbed_data = fgsm_attack(data_denorm, epsilon, data_grad)
            perturbed_data_normalized = (perturbed_data - 0.1307) / 0.3081
            output = model(perturbed_data_normalized)
            final_pred = output.max(1, keepdim=True)[1]
            if final_pred.item() == target.item():
                correct += 1
            adv_ex = perturbed_data.squeeze().detach().cpu().numpy()
            adv_examples.append((init_pred.item(), final_pred.item(), float(adv_ex.mean())))
        final_acc = correct / float(len(test_loader))
        return final_acc, adv_examples

    return {"results": [test(model, test_loader, eps) for eps in (0, .1, .3)],
            "fc1_grad": model.fc1.weight.grad}


def knowledge_distillation(torch):
    """"Knowledge Distillation Tutorial": a deeper teacher and a lighter student, the student
    trained on soft targets (softmax/log_softmax at temperature T, scaled by T²) mixed with the
    label loss, Adam, and both evaluated."""
    import torch.nn as nn
    import torch.optim as optim

    class DeepNN(nn.Module):
        def __init__(self, num_classes=10):
            super(DeepNN, self).__init__()
            self.features = nn.Sequential(
                nn.Conv2d(3, 16, kernel_size=3, padding=1), nn.ReLU(),
                nn.Conv2d(16, 8, kernel_size=3, padding=1), nn.ReLU(),
                nn.MaxPool2d(kernel_size=2, stride=2),
                nn.Conv2d(8, 8, kernel_size=3, padding=1), nn.ReLU(),
                nn.MaxPool2d(kernel_size=2, stride=2))
            self.classifier = nn.Sequential(nn.Linear(8 * 4 * 4, 32), nn.ReLU(), nn.Dropout(0.1),
                                            nn.Linear(32, num_classes))

        def forward(self, x):
            x = self.features(x)
            x = torch.flatten(x, 1)
            return self.classifier(x)

    class LightNN(nn.Module):
        def __init__(self, num_classes=10):
            super(LightNN, self).__init__()
            self.features = nn.Sequential(
                nn.Conv2d(3, 4, kernel_size=3, padding=1), nn.ReLU(),
                nn.MaxPool2d(kernel_size=2, stride=2),
                nn.Conv2d(4, 4, kernel_size=3, padding=1), nn.ReLU(),
                nn.MaxPool2d(kernel_size=2, stride=2))
            self.classifier = nn.Sequential(nn.Linear(4 * 4 * 4, 16), nn.ReLU(), nn.Dropout(0.1),
                                            nn.Linear(16, num_classes))

        def forward(self, x):
            x = self.features(x)
            x = torch.flatten(x, 1)
            return self.classifier(x)

    torch.manual_seed(42)
    data = torch.utils.data.TensorDataset(torch.randn(16, 3, 16, 16), torch.randint(0, 10, (16,)))
    train_loader = torch.utils.data.DataLoader(data, batch_size=8, shuffle=True)
    teacher, student = DeepNN(num_classes=10), LightNN(num_classes=10)
    ce_loss = nn.CrossEntropyLoss()

    def train(model, epochs, learning_rate):
        optimizer = optim.Adam(model.parameters(), lr=learning_rate)
        model.train()
        for epoch in range(epochs):
            for inputs, labels in train_loader:
                optimizer.zero_grad()
                loss = ce_loss(model(inputs), labels)
                loss.backward()
                optimizer.step()
        return loss.item()

    def train_knowledge_distillation(teacher, student, train_loader, epochs, learning_rate, T,
                                     soft_target_loss_weight, ce_loss_weight):
        optimizer = optim.Adam(student.parameters(), lr=learning_rate)
        teacher.eval()
        student.train()
        history = []
        for epoch in range(epochs):
            running_loss = 0.0
            for inputs, labels in train_loader:
                optimizer.zero_grad()
                with torch.no_grad():
                    teacher_logits = teacher(inputs)
                student_logits = student(inputs)
                soft_targets = nn.functional.softmax(teacher_logits / T, dim=-1)
                soft_prob = nn.functional.log_softmax(student_logits / T, dim=-1)
                soft_targets_loss = torch.sum(soft_targets * (soft_targets.log() - soft_prob)) / \
                    soft_prob.size()[0] * (T**2)
                label_loss = ce_loss(student_logits, labels)
                loss = soft_target_loss_weight * soft_targets_loss + ce_loss_weight * label_loss
                loss.backward()
                optimizer.step()
                running_loss += loss.item()
            history.append(running_loss / len(train_loader))
        return history

    def test(model):
        model.eval()
        correct = 0
        with torch.no_grad():
            for inputs, labels in train_loader:
                _, predicted = torch.max(model(inputs).data, 1)
                correct += (predicted == labels).sum().item()
        return correct

    teacher_loss = train(teacher, epochs=2, learning_rate=0.001)
    history = train_knowledge_distillation(teacher=teacher, student=student,
                                           train_loader=train_loader, epochs=2,
                                           learning_rate=0.001, T=2, soft_target_loss_weight=0.25,
                                           ce_loss_weight=0.75)
    return {"teacher_loss": teacher_loss, "history": history,
            "correct": [test(teacher), test(student)],
            "teacher_params": sum(p.numel() for p in teacher.parameters()),
            "student_params": sum(p.numel() for p in student.parameters())}


def fast_neural_style(torch):
    """pytorch/examples fast_neural_style: TransformerNet built from ConvLayer (ReflectionPad2d +
    Conv2d), InstanceNorm2d(affine=True), ResidualBlocks and UpsampleConvLayer
    (F.interpolate nearest), trained a few Adam steps on a content MSE plus a Gram-matrix style
    loss with utils.gram_matrix's normalisation. Channel widths are small; the layers are the
    example's."""
    import torch.nn as nn

    class ConvLayer(torch.nn.Module):
        def __init__(self, in_channels, out_channels, kernel_size, stride):
            super(ConvLayer, self).__init__()
            reflection_padding = kernel_size // 2
            self.reflection_pad = torch.nn.ReflectionPad2d(reflection_padding)
            self.conv2d = torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride)

        def forward(self, x):
            out = self.reflection_pad(x)
            out = self.conv2d(out)
            return out

    class ResidualBlock(torch.nn.Module):
        def __init__(self, channels):
            super(ResidualBlock, self).__init__()
            self.conv1 = ConvLayer(channels, channels, kernel_size=3, stride=1)
            self.in1 = torch.nn.InstanceNorm2d(channels, affine=True)
            self.conv2 = ConvLayer(channels, channels, kernel_size=3, stride=1)
            self.in2 = torch.nn.InstanceNorm2d(channels, affine=True)
            self.relu = torch.nn.ReLU()

        def forward(self, x):
            residual = x
            out = self.relu(self.in1(self.conv1(x)))
            out = self.in2(self.conv2(out))
            out = out + residual
            return out

    class UpsampleConvLayer(torch.nn.Module):
        def __init__(self, in_channels, out_channels, kernel_size, stride, upsample=None):
            super(UpsampleConvLayer, self).__init__()
            self.upsample = upsample
            reflection_padding = kernel_size // 2
            self.reflection_pad = torch.nn.ReflectionPad2d(reflection_padding)
            self.conv2d = torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride)

        def forward(self, x):
            x_in = x
            if self.upsample:
                x_in = torch.nn.functional.interpolate(x_in, mode='nearest',
                                                       scale_factor=self.upsample)
            out = self.reflection_pad(x_in)
            out = self.conv2d(out)
            return out

    class TransformerNet(torch.nn.Module):
        def __init__(self):
            super(TransformerNet, self).__init__()
            self.conv1 = ConvLayer(3, 4, kernel_size=9, stride=1)
            self.in1 = torch.nn.InstanceNorm2d(4, affine=True)
            self.conv2 = ConvLayer(4, 8, kernel_size=3, stride=2)
            self.in2 = torch.nn.InstanceNorm2d(8, affine=True)
            self.conv3 = ConvLayer(8, 16, kernel_size=3, stride=2)
            self.in3 = torch.nn.InstanceNorm2d(16, affine=True)
            self.res1 = ResidualBlock(16)
            self.res2 = ResidualBlock(16)
            self.deconv1 = UpsampleConvLayer(16, 8, kernel_size=3, stride=1, upsample=2)
            self.in4 = torch.nn.InstanceNorm2d(8, affine=True)
            self.deconv2 = UpsampleConvLayer(8, 4, kernel_size=3, stride=1, upsample=2)
            self.in5 = torch.nn.InstanceNorm2d(4, affine=True)
            self.deconv3 = ConvLayer(4, 3, kernel_size=9, stride=1)
            self.relu = torch.nn.ReLU()

        def forward(self, X):
            y = self.relu(self.in1(self.conv1(X)))
            y = self.relu(self.in2(self.conv2(y)))
            y = self.relu(self.in3(self.conv3(y)))
            y = self.res1(y)
            y = self.res2(y)
            y = self.relu(self.in4(self.deconv1(y)))
            y = self.relu(self.in5(self.deconv2(y)))
            y = self.deconv3(y)
            return y

    def gram_matrix(y):
        (b, ch, h, w) = y.size()
        features = y.view(b, ch, w * h)
        features_t = features.transpose(1, 2)
        gram = features.bmm(features_t) / (ch * h * w)
        return gram

    def normalize_batch(batch):
        mean = batch.new_tensor([0.485, 0.456, 0.406]).view(-1, 1, 1)
        std = batch.new_tensor([0.229, 0.224, 0.225]).view(-1, 1, 1)
        batch = batch.div_(255.0)
        return (batch - mean) / std

    torch.manual_seed(42)
    transformer = TransformerNet()
    optimizer = torch.optim.Adam(transformer.parameters(), 1e-3)
    mse_loss = torch.nn.MSELoss()
    style = normalize_batch(torch.rand(1, 3, 32, 32) * 255)
    features_style = [style, nn.functional.avg_pool2d(style, 2)]
    gram_style = [gram_matrix(y) for y in features_style]
    content_weight, style_weight = 1e5, 1e10
    history = []
    for batch_id in range(3):
        x = torch.rand(2, 3, 32, 32) * 255
        n_batch = len(x)
        optimizer.zero_grad()
        y = transformer(x)
        y = normalize_batch(y)
        x = normalize_batch(x)
        features_y = [y, nn.functional.avg_pool2d(y, 2)]
        features_x = [x, nn.functional.avg_pool2d(x, 2)]
        content_loss = content_weight * mse_loss(features_y[1], features_x[1])
        style_loss = 0.
        for ft_y, gm_s in zip(features_y, gram_style):
            gm_y = gram_matrix(ft_y)
            style_loss += mse_loss(gm_y, gm_s[:n_batch, :, :])
        style_loss *= style_weight
        total_loss = content_loss + style_loss
        total_loss.backward()
        optimizer.step()
        history.append((content_loss.item(), style_loss.item()))
    transformer.eval()
    with torch.no_grad():
        output = transformer(torch.rand(1, 3, 32, 32) * 255).clamp(0, 255)
    return {"history": history, "output": output, "in1": transformer.in1.weight.detach()}


@pytest.mark.parametrize("size, align_corners", [((3, 1, 28, 28), False), ((2, 1, 5, 7), True),
                                                 ((2, 1, 3, 4, 5), False), ((1, 1, 1, 1), True)])
def test_affine_grid_is_torchs_to_the_bit(size, align_corners):
    """The spatial transformer starts at the identity, where every grid point lands on a pixel
    centre and grid_sample's gradient jumps: one ulp in the grid flips the gradient, so the
    grid must round exactly as torch's kernel does. That rounding depends on the CPU (MKL's
    bmm fuses its multiply-adds on an Intel AVX-512 Xeon, not on an AMD EPYC); the autouse
    fixture sets learntorch to the torch here, and both ways are checked against an explicit
    product: fused (one rounding per step) and rounded step by step, which differ here (but
    for under 400 multiply-adds, which torch sums in its own loop, unfused)."""
    import learntorch
    import torch as real_torch
    n = len(size) - 2
    theta = np.random.default_rng(0).standard_normal((size[0], n, n + 1)).astype(np.float32)
    theta[0] = np.eye(n, n + 1)
    ours = learntorch.nn.functional.affine_grid(learntorch.tensor(theta), size, align_corners)
    theirs = real_torch.nn.functional.affine_grid(real_torch.tensor(theta), size, align_corners)
    assert np.array_equal(ours.numpy(), theirs.numpy())
    # the two roundings, from torch's own base grid (theta = identity) summed term by term
    eye = real_torch.eye(n, n + 1).expand(size[0], n, n + 1)
    base = real_torch.nn.functional.affine_grid(eye, size, align_corners).numpy()
    base = np.concatenate([base, np.ones(base.shape[:-1] + (1,), np.float32)], -1)
    base = base.reshape(size[0], -1, 1, n + 1)
    unfused = fused = base[..., 0] * theta[:, None, :, 0]
    for j in range(1, n + 1):
        unfused = unfused + base[..., j] * theta[:, None, :, j]
        fused = np.float32(np.float64(base[..., j]) * theta[:, None, :, j] + fused)
    if base.shape[1] * n * (n + 1) < 400:  # torch's own loop for small products: never fused
        fused = unfused
    else:
        assert not np.array_equal(fused, unfused)
    from learntorch.nn._functional import vision
    for flag, expected in ((True, fused), (False, unfused)):
        vision.FUSED_MATMUL = flag  # the fixture restores it
        ours = learntorch.nn.functional.affine_grid(learntorch.tensor(theta), size, align_corners)
        assert np.array_equal(ours.numpy(), expected.reshape(ours.shape))


def test_a_unary_op_given_a_float_raises_torchs_type_error():
    """super_resolution's PSNR is ``10 * log10(1 / mse.item())`` with math.log10; a reader who
    writes torch.log10 there gets torch's TypeError, naming the argument."""
    import learntorch
    with pytest.raises(TypeError, match=r"log10\(\): argument 'input' \(position 1\) must be "
                                        r"Tensor, not float"):
        learntorch.log10(2.0)


PROGRAMS = [mnist_example, transfer_learning, spatial_transformer, super_resolution,
            augmentation_pipeline, fgsm_adversarial_examples, knowledge_distillation,
            fast_neural_style]


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_program_runs_unchanged_and_matches_torch(program, tmp_path):
    assert_same_run(program, tmp_path=tmp_path)
