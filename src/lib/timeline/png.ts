/**
 * PNG export in the browser: draw the standalone SVG onto a canvas. The SVG has inline styles and
 * no external references, so the image loads without a network and the canvas stays untainted.
 */
export async function svgToPng(svg: string, scale = 2): Promise<Blob> {
	const width = Number(/\swidth="([\d.]+)"/.exec(svg)?.[1] ?? 960);
	const height = Number(/\sheight="([\d.]+)"/.exec(svg)?.[1] ?? 400);
	const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
	try {
		const image = new Image();
		image.decoding = 'async';
		await new Promise<void>((resolve, reject) => {
			image.onload = () => resolve();
			image.onerror = () => reject(new Error('The SVG could not be drawn as an image.'));
			image.src = url;
		});
		const canvas = document.createElement('canvas');
		canvas.width = Math.ceil(width * scale);
		canvas.height = Math.ceil(height * scale);
		const context = canvas.getContext('2d');
		if (!context) throw new Error('This browser has no 2D canvas.');
		context.scale(scale, scale);
		context.drawImage(image, 0, 0, width, height);
		return await new Promise<Blob>((resolve, reject) =>
			canvas.toBlob(
				(blob) => (blob ? resolve(blob) : reject(new Error('The canvas gave no PNG.'))),
				'image/png'
			)
		);
	} finally {
		URL.revokeObjectURL(url);
	}
}

/** Offer a blob as a file download. */
export function download(blob: Blob, filename: string): void {
	const url = URL.createObjectURL(blob);
	const link = document.createElement('a');
	link.href = url;
	link.download = filename;
	link.click();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}
